#pragma once
// What crosses NATS between a conference and a participant that run on different
// nodes (actors/conference_peers.hpp), all on one subject: a conference asks for
// a seat for a call, a participant tells its conference it joined or left, a
// conference tells its participant to leave, a groupcall's winner asks to join
// its conference; and the answers (the participant
// seated or why not; a plain acknowledgement). Everything is read as hostile:
// whoever can publish on NATS could send anything, so a message is capped in
// size, its ids must be UUIDs, its names known ones, and a seat's answer must be
// the very participant asked for.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "actors/conference_peers.hpp"
#include "model/conferencecall.hpp"
#include "model/result.hpp"
#include "model/uuid.hpp"

namespace chorus {

inline constexpr const char* conferences_subject = "chorus.conferences";
// Far above any of these messages (a participant is under 1 KiB): what is larger
// is not one, and is refused before it is parsed.
inline constexpr std::size_t max_conference_message = 64 * 1024;

// A participant's news, for the node that runs its conference.
struct ConferenceNews {
  Uuid conference_id;
  Uuid conferencecall_id;
  ParticipantNews news = ParticipantNews::joined;
};

// A conference's end, for the node that runs one of its participants.
struct ParticipantEnd {
  Uuid conferencecall_id;
};

using ConferenceRequest = std::variant<RemoteSeat, ConferenceNews, ParticipantEnd, RemoteJoin>;

std::string encode_conference_request(const ConferenceRequest& request);
Result<ConferenceRequest> decode_conference_request(std::string_view text);

// What a seat or a join was answered: the participant, or the engine's refusal.
// (Not the engine's SeatAnswer, a call's answer to its conference.)
struct SeatReply {
  Result<Conferencecall> participant;
};

std::string encode_seat_answer(const Result<Conferencecall>& participant);
// Refuses (as malformed) a participant that is not the one `asked` for: its
// customer, conference and call, and its id unless the conference picks it (a
// join: `asked.conferencecall_id` zero).
Result<SeatReply> decode_seat_answer(std::string_view text, const RemoteSeat& asked);

// The answer to news and to an end: the target runs on the answering node, and
// has been told.
std::string encode_ack();
Status decode_ack(std::string_view text);

}  // namespace chorus
