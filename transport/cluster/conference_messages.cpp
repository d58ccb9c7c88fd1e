#include "transport/cluster/conference_messages.hpp"

#include <array>
#include <optional>
#include <utility>

#include "model/conference_json_detail.hpp"
#include "model/enum_names.hpp"
#include "model/json_detail.hpp"

namespace chorus {

namespace jd = json_detail;

namespace {

// Indexed as ConferenceRequest's alternatives.
enum class Op : std::size_t { seat, news, end, join };
constexpr std::array<std::string_view, 4> op_names{"seat", "news", "end", "join"};
static_assert(op_names.size() == std::variant_size_v<ConferenceRequest>);
// Indexed by ParticipantNews.
constexpr std::array<std::string_view, 2> news_names{"joined", "left"};

std::string finish(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A message as a document: an object, within max_conference_message (checked
// before parsing, which then costs no recursion whatever the nesting).
Result<rapidjson::Document> parse_message(std::string_view text) {
  if (text.size() > max_conference_message) {
    return Error::invalid("message",
                          "must be at most " + std::to_string(max_conference_message) + " bytes");
  }
  auto doc = jd::parse_document(text);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error::invalid("message", "must be a JSON object");
  return doc;
}

// The readers leave an absent member alone; every member of these messages is
// needed.
void require(jd::ObjectReader& r, std::string_view name) {
  if (r.find(name) == nullptr) r.fail(name, "is required");
}

void read_id(jd::ObjectReader& r, std::string_view name, Uuid& out) {
  require(r, name);
  r.uuid(name, out);
  if (out.is_zero()) r.fail(name, "must not be the zero UUID");
}

template <class Request>
Result<ConferenceRequest> finished(const jd::ObjectReader& r, Request request) {
  if (Status status = r.status(); !status) return status.error();
  return ConferenceRequest(std::move(request));
}

// Each request's ids, by member name: what is read and written for it, in order.
template <class Request>
struct IdMember {
  std::string_view name;
  Uuid Request::*member;
};
constexpr IdMember<RemoteSeat> seat_ids[] = {{"customer_id", &RemoteSeat::customer_id},
                                             {"conference_id", &RemoteSeat::conference_id},
                                             {"call_id", &RemoteSeat::call_id},
                                             {"conferencecall_id", &RemoteSeat::conferencecall_id}};
constexpr IdMember<RemoteJoin> join_ids[] = {{"customer_id", &RemoteJoin::customer_id},
                                             {"conference_id", &RemoteJoin::conference_id},
                                             {"call_id", &RemoteJoin::call_id}};
constexpr IdMember<ConferenceNews> news_ids[] = {
    {"conference_id", &ConferenceNews::conference_id},
    {"conferencecall_id", &ConferenceNews::conferencecall_id}};
constexpr IdMember<ParticipantEnd> end_ids[] = {
    {"conferencecall_id", &ParticipantEnd::conferencecall_id}};

constexpr const auto& ids_of(const RemoteSeat&) {
  return seat_ids;
}
constexpr const auto& ids_of(const RemoteJoin&) {
  return join_ids;
}
constexpr const auto& ids_of(const ConferenceNews&) {
  return news_ids;
}
constexpr const auto& ids_of(const ParticipantEnd&) {
  return end_ids;
}

template <class Request>
void read_ids(jd::ObjectReader& r, Request& request) {
  for (const auto& id : ids_of(request)) read_id(r, id.name, request.*id.member);
}

template <class Request>
void write_ids(jd::JsonWriter& w, const Request& request) {
  for (const auto& id : ids_of(request)) {
    w.Key(id.name.data(), static_cast<rapidjson::SizeType>(id.name.size()));
    jd::write_uuid(w, request.*id.member);
  }
}

// A request made of its ids only.
template <class Request>
Result<ConferenceRequest> read_request(jd::ObjectReader& r) {
  Request request;
  read_ids(r, request);
  return finished(r, request);
}

template <>
Result<ConferenceRequest> read_request<ConferenceNews>(jd::ObjectReader& r) {
  ConferenceNews news;
  read_ids(r, news);
  require(r, "news");
  jd::read_enum(r, "news", news_names, news.news);
  return finished(r, news);
}

template <class Request>
void write_members(jd::JsonWriter& w, const Request& request) {
  write_ids(w, request);
}

void write_members(jd::JsonWriter& w, const ConferenceNews& news) {
  write_ids(w, news);
  jd::write_key(w, "news");
  jd::write_string(w, detail::enum_name(news_names, news.news));
}

void write_refusal(jd::JsonWriter& w, const Error& error) {
  w.StartObject();
  jd::write_key(w, "code");
  jd::write_string(w, to_string(error.code));
  jd::write_key(w, "message");
  jd::write_string(w, error.message);
  jd::write_key(w, "field");
  jd::write_string(w, error.field);
  w.EndObject();
}

// The engine error `name` names, if any: the codes are numbered from zero, and
// model/error.hpp's to_string names each of them and nothing past the last.
std::optional<ErrorCode> error_code_named(std::string_view name) {
  for (int i = 0;; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const std::string_view known = to_string(code);
    if (known.empty()) return std::nullopt;
    if (known == name) return code;
  }
}

Result<SeatReply> read_refusal(const rapidjson::Value& value) {
  const jd::Path root;
  const jd::Path path = root.member("error");
  jd::ObjectReader r(value, path);
  std::string code, message, field;
  require(r, "code");
  r.string("code", code, max_conference_message);
  require(r, "message");
  r.string("message", message, max_conference_message);
  r.string("field", field, max_conference_message);
  if (Status status = r.status(); !status) return status.error();
  auto known = error_code_named(code);
  if (!known) return Error::invalid("error.code", "must name an engine error");
  return SeatReply{Error{*known, std::move(field), std::move(message)}};
}

// Only the participant asked for: another could take the conference's roll
// somewhere it has no business.
Result<SeatReply> read_participant(const rapidjson::Value& value, const RemoteSeat& asked) {
  const jd::Path root;
  Conferencecall participant;
  if (Status status = jd::read_value(value, root.member("conferencecall"), participant); !status) {
    return status.error();
  }
  const bool id_asked = !asked.conferencecall_id.is_zero();
  if ((id_asked && participant.id != asked.conferencecall_id) ||
      participant.customer_id != asked.customer_id ||
      participant.conference_id != asked.conference_id ||
      participant.reference_id != asked.call_id) {
    return Error::invalid("conferencecall", "must be the participant asked for");
  }
  return SeatReply{std::move(participant)};
}

}  // namespace

std::string encode_conference_request(const ConferenceRequest& request) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  jd::write_key(w, "op");
  jd::write_string(w, op_names[request.index()]);
  std::visit([&w](const auto& r) { write_members(w, r); }, request);
  w.EndObject();
  return finish(buffer);
}

Result<ConferenceRequest> decode_conference_request(std::string_view text) {
  auto doc = parse_message(text);
  if (!doc) return doc.error();
  const jd::Path root;
  jd::ObjectReader r(*doc, root);
  Op op = Op::seat;
  require(r, "op");
  jd::read_enum(r, "op", op_names, op);
  if (Status status = r.status(); !status) return status.error();
  // Indexed as op_names and ConferenceRequest's alternatives.
  static constexpr Result<ConferenceRequest> (*readers[])(jd::ObjectReader&) = {
      read_request<RemoteSeat>, read_request<ConferenceNews>, read_request<ParticipantEnd>,
      read_request<RemoteJoin>};
  static_assert(std::size(readers) == op_names.size());
  if (static_cast<std::size_t>(op) < std::size(readers)) {
    return readers[static_cast<std::size_t>(op)](r);
  }
  return Error::invalid("op", detail::one_of_rule(op_names));
}

std::string encode_seat_answer(const Result<Conferencecall>& participant) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  w.StartObject();
  if (participant) {
    jd::write_key(w, "conferencecall");
    jd::write_value(w, *participant);
  } else {
    jd::write_key(w, "error");
    write_refusal(w, participant.error());
  }
  w.EndObject();
  return finish(buffer);
}

Result<SeatReply> decode_seat_answer(std::string_view text, const RemoteSeat& asked) {
  auto doc = parse_message(text);
  if (!doc) return doc.error();
  const auto participant = doc->FindMember("conferencecall");
  const auto refusal = doc->FindMember("error");
  const bool seated = participant != doc->MemberEnd();
  if (seated == (refusal != doc->MemberEnd())) {
    return Error::invalid("answer", "must hold either a conferencecall or an error");
  }
  return seated ? read_participant(participant->value, asked) : read_refusal(refusal->value);
}

std::string encode_ack() {
  return R"({"ack":true})";
}

Status decode_ack(std::string_view text) {
  auto doc = parse_message(text);
  if (!doc) return doc.error();
  const auto ack = doc->FindMember("ack");
  if (ack == doc->MemberEnd() || !ack->value.IsTrue()) {
    return Error::invalid("ack", "must be true");
  }
  return {};
}

}  // namespace chorus
