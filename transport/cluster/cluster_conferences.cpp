#include "transport/cluster/cluster_conferences.hpp"

#include <spdlog/spdlog.h>

#include <utility>
#include <variant>

#include "actors/engine.hpp"

namespace chorus {

namespace {

// What a seat answers when its call's node did not: the call is out of reach.
Error no_node_answered() {
  Error error = Error::unavailable("no node of the cluster answered for the call");
  error.field = "reference_id";
  return error;
}

}  // namespace

ClusterConferences::ClusterConferences(std::shared_ptr<NatsLink> link, Engine& engine)
    : link_(std::move(link)),
      engine_(engine),
      requests_(link_, {conferences_subject, waiting_threads, max_waiting, answer_timeout_ms}) {
  subscription_ = link_->subscribe(conferences_subject, &on_request, this);
}

ClusterConferences::~ClusterConferences() {
  NatsLink::unsubscribe(subscription_, answer_timeout_ms);
}

void ClusterConferences::seat(const RemoteSeat& seat,
                              std::function<void(Result<Conferencecall>)> answer) {
  seats_.fetch_add(1, std::memory_order_relaxed);
  ask(seat, [this, seat, answer = std::move(answer)](std::optional<std::string> text) {
    answer(seated(seat, text));
  });
}

void ClusterConferences::join(const RemoteJoin& join,
                              std::function<void(Result<Conferencecall>)> answer) {
  seats_.fetch_add(1, std::memory_order_relaxed);
  // The conference picks the participant's id: any id is its answer's.
  const RemoteSeat asked{join.customer_id, join.conference_id, join.call_id, Uuid()};
  ask(join, [this, asked, answer = std::move(answer)](std::optional<std::string> text) {
    answer(seated(asked, text));
  });
}

void ClusterConferences::tell_conference(const Uuid& conference_id, const Uuid& conferencecall_id,
                                         ParticipantNews news) {
  if (engine_.conference_news(conference_id, conferencecall_id, news)) return;
  tell(ConferenceNews{conference_id, conferencecall_id, news}, [](bool) {});
}

void ClusterConferences::end_participant(const Uuid& conferencecall_id,
                                         std::function<void(bool)> done) {
  if (engine_.end_participant_for_peer(conferencecall_id)) return done(true);
  tell(ParticipantEnd{conferencecall_id}, std::move(done));
}

void ClusterConferences::ask(const ConferenceRequest& request, NatsRequests::Answer answer) {
  requested_.fetch_add(1, std::memory_order_relaxed);
  requests_.ask(encode_conference_request(request), std::move(answer));
}

void ClusterConferences::tell(const ConferenceRequest& request, std::function<void(bool)> done) {
  ask(request, [this, done = std::move(done)](std::optional<std::string> text) {
    const bool delivered = text && acknowledged(*text);
    if (!delivered) unanswered_.fetch_add(1, std::memory_order_relaxed);
    done(delivered);
  });
}

bool ClusterConferences::acknowledged(std::string_view answer) {
  Status ack = decode_ack(answer);
  if (!ack) refuse("an acknowledgement", ack.error());
  return ack.ok();
}

Result<Conferencecall> ClusterConferences::seated(const RemoteSeat& asked,
                                                  const std::optional<std::string>& answer) {
  if (answer) {
    auto decoded = decode_seat_answer(*answer, asked);
    if (decoded) return std::move(decoded->participant);
    refuse("a seat's answer", decoded.error());
  }
  unanswered_.fetch_add(1, std::memory_order_relaxed);
  return no_node_answered();
}

void ClusterConferences::refuse(std::string_view what, const Error& why) {
  // Once: a node that keeps sending them would flood the log.
  if (refused_.fetch_add(1, std::memory_order_relaxed) == 0) {
    spdlog::warn("cluster: refused {} on {}: {}", what, conferences_subject, why.message);
  }
}

void ClusterConferences::on_request(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<ClusterConferences*>(self)->serve(msg);
  natsMsg_Destroy(msg);
}

void ClusterConferences::serve(natsMsg* msg) {
  const char* reply_to = natsMsg_GetReply(msg);
  if (reply_to == nullptr) {
    refuse("a message", Error::invalid("reply", "a request must name its reply subject"));
    return;
  }
  auto request = decode_conference_request(NatsLink::data_of(msg));
  if (!request) {
    refuse("a request", request.error());
    return;
  }
  served_.fetch_add(1, std::memory_order_relaxed);
  std::visit([this, reply_to](const auto& r) { serve_one(r, reply_to); }, *request);
}

// The engine answers later, maybe once this node has closed its link: then nobody
// is left to answer, and the link is not kept open for it.
std::function<void(std::optional<Result<Conferencecall>>)> ClusterConferences::answering(
    std::string reply_to) const {
  return [link = std::weak_ptr<NatsLink>(link_),
          reply_to = std::move(reply_to)](std::optional<Result<Conferencecall>> participant) {
    if (!participant) return;  // not this node's: the node that runs it answers
    if (auto open = link.lock()) open->reply(reply_to, encode_seat_answer(*participant));
  };
}

void ClusterConferences::serve_one(const RemoteSeat& seat, std::string reply_to) {
  engine_.seat_for_peer(seat, answering(std::move(reply_to)));
}

void ClusterConferences::serve_one(const RemoteJoin& join, std::string reply_to) {
  engine_.join_for_peer(join, answering(std::move(reply_to)));
}

void ClusterConferences::serve_one(const ConferenceNews& news, std::string reply_to) {
  if (engine_.conference_news(news.conference_id, news.conferencecall_id, news.news)) {
    link_->reply(reply_to, encode_ack());
  }
}

void ClusterConferences::serve_one(const ParticipantEnd& end, std::string reply_to) {
  if (engine_.end_participant_for_peer(end.conferencecall_id)) link_->reply(reply_to, encode_ack());
}

}  // namespace chorus
