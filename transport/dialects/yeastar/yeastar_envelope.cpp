#include "transport/dialects/yeastar/yeastar_envelope.hpp"

#include "model/ring_group_json_detail.hpp"

namespace chorus::yeastar {

namespace {

namespace jd = json_detail;

constexpr std::string_view success_message = "SUCCESS";

// Starts the envelope and writes errcode and errmsg; the caller adds data, then ends it.
void open_envelope(jd::JsonWriter& w, Errcode errcode, std::string_view errmsg) {
  w.StartObject();
  jd::write_key(w, "errcode");
  w.Int(static_cast<int>(errcode));
  jd::write_key(w, "errmsg");
  jd::write_string(w, errmsg);
}

template <class WriteRest>
std::string envelope(Errcode errcode, std::string_view errmsg, WriteRest write_rest) {
  rapidjson::StringBuffer buffer;
  jd::JsonWriter w(buffer);
  open_envelope(w, errcode, errmsg);
  write_rest(w);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void write_groups(jd::JsonWriter& w, const std::vector<RingGroup>& groups) {
  w.StartArray();
  for (const RingGroup& group : groups) jd::write_value(w, group);
  w.EndArray();
}

}  // namespace

std::string success_json() {
  return envelope(Errcode::success, success_message, [](jd::JsonWriter&) {});
}

std::string success_json(const RingGroup& group) {
  return envelope(Errcode::success, success_message, [&](jd::JsonWriter& w) {
    jd::write_key(w, "data");
    jd::write_value(w, group);
  });
}

std::string success_json(const std::vector<RingGroup>& groups) {
  return envelope(Errcode::success, success_message, [&](jd::JsonWriter& w) {
    jd::write_key(w, "data");
    write_groups(w, groups);
  });
}

std::string list_json(const std::vector<RingGroup>& page, std::size_t total_number) {
  return envelope(Errcode::success, success_message, [&](jd::JsonWriter& w) {
    jd::write_key(w, "total_number");
    w.Uint64(total_number);
    jd::write_key(w, "data");
    write_groups(w, page);
  });
}

std::string failure_json(const Failure& failure) {
  return envelope(failure.errcode, failure.errmsg, [](jd::JsonWriter&) {});
}

}  // namespace chorus::yeastar
