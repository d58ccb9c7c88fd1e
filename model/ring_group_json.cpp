#include "model/ring_group_json.hpp"

#include <array>
#include <bitset>
#include <optional>
#include <utility>
#include <vector>

#include "model/conference_json_detail.hpp"
#include "model/field_limits.hpp"
#include "model/ring_group_json_detail.hpp"
#include "model/strict_fields.hpp"

namespace chorus {
namespace json_detail {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

// The document's fields, in its order: what a body may hold.
constexpr std::array<std::string_view, 19> group_fields{
    "id",
    "number",
    "name",
    "ring_strategy",
    "ring_timeout",
    "member_list",
    "fail_dest",
    "fail_dest_prefix",
    "fail_dest_value",
    "alert_info",
    "welcome_prompt",
    "moh",
    "join_prompt",
    "play_full_join_prompt",
    "client_unique_ringtone",
    "no_agent_online_dest",
    "no_agent_online_prefix",
    "no_agent_online_value",
    "enb_miss_call",
};
constexpr std::array<std::string_view, 7> member_fields{
    "value", "type", "text", "text2", "delay_time", "timeout", "sub_option"};

// Every enumerator's wire name, by value: the table read_enum parses with and lists
// in its "must be one of" rule, built from the model's own to_string.
template <class E, std::size_t N>
std::array<std::string_view, N> names_of() {
  std::array<std::string_view, N> names{};
  for (std::size_t i = 0; i < N; ++i) names[i] = to_string(static_cast<E>(i));
  return names;
}
const auto strategy_names = names_of<RingStrategy, 4>();
const auto failover_names = names_of<FailoverDest, 10>();
const auto member_type_names = names_of<RingGroupMemberType, 3>();

Status read_member(const Value& value, const Path& path, RingGroupMember& out, bool in_sub_option);

// member_list, or a sub_option's list: an array of at most ring_group_json_limits::members.
Status read_members(const Value& value, const Path& path, std::vector<RingGroupMember>& out,
                    bool in_sub_option) {
  if (!value.IsArray()) return Error::invalid(path.to_string(), "must be an array");
  if (Status count = check_count(value.Size(), path.to_string(), ring_group_json_limits::members);
      !count) {
    return count;
  }
  std::vector<RingGroupMember> members(value.Size());
  for (SizeType i = 0; i < value.Size(); ++i) {
    if (Status status = read_member(value[i], path.element(i), members[i], in_sub_option);
        !status) {
      return status;
    }
  }
  out = std::move(members);
  return {};
}

// null (or absent) is no sub_option; an array is one, of members without their own.
Status read_sub_option(const Value* value, const Path& path,
                       std::optional<std::vector<RingGroupMember>>& out, bool in_sub_option) {
  if (value == nullptr || value->IsNull()) {
    out.reset();
    return {};
  }
  const Path field = path.member("sub_option");
  if (in_sub_option) return Error::invalid(field.to_string(), "must be null inside a sub_option");
  std::vector<RingGroupMember> members;
  if (Status status = read_members(*value, field, members, true); !status) return status;
  out = std::move(members);
  return {};
}

Status read_member(const Value& value, const Path& path, RingGroupMember& out, bool in_sub_option) {
  if (Status fields = check_fields(value, path, member_fields, "Ring_Group_Member"); !fields) {
    return fields;
  }
  constexpr std::size_t text = ring_group_json_limits::text_bytes;
  ObjectReader r(value, path);
  r.string("value", out.value, text);
  read_enum(r, "type", member_type_names, out.type);
  r.string("text", out.text, text)
      .string("text2", out.text2, text)
      .int32("delay_time", out.delay_time)
      .int32("timeout", out.timeout);
  if (Status status = r.status(); !status) return status;
  return read_sub_option(r.find("sub_option"), path, out.sub_option, in_sub_option);
}

}  // namespace

void write_value(JsonWriter& w, const RingGroupMember& m) {
  w.StartObject();
  write_key(w, "value");
  write_string(w, m.value);
  write_key(w, "type");
  write_string(w, to_string(m.type));
  write_key(w, "text");
  write_string(w, m.text);
  write_key(w, "text2");
  write_string(w, m.text2);
  write_key(w, "delay_time");
  w.Int(m.delay_time);
  write_key(w, "timeout");
  w.Int(m.timeout);
  write_key(w, "sub_option");
  if (m.sub_option) {
    w.StartArray();
    for (const RingGroupMember& member : *m.sub_option) write_value(w, member);
    w.EndArray();
  } else {
    w.Null();
  }
  w.EndObject();
}

void write_value(JsonWriter& w, const RingGroup& g) {
  w.StartObject();
  write_members(w, g);
  w.EndObject();
}

void write_members(JsonWriter& w, const RingGroup& g) {
  write_key(w, "id");
  w.Int(g.id);
  write_key(w, "number");
  write_string(w, g.number);
  write_key(w, "name");
  write_string(w, g.name);
  write_key(w, "ring_strategy");
  write_string(w, to_string(g.ring_strategy));
  write_key(w, "ring_timeout");
  w.Int(g.ring_timeout);
  write_key(w, "member_list");
  w.StartArray();
  for (const RingGroupMember& member : g.member_list) write_value(w, member);
  w.EndArray();
  write_key(w, "fail_dest");
  write_string(w, to_string(g.fail_dest));
  write_key(w, "fail_dest_prefix");
  write_string(w, g.fail_dest_prefix);
  write_key(w, "fail_dest_value");
  write_string(w, g.fail_dest_value);
  write_key(w, "alert_info");
  write_string(w, g.alert_info);
  write_key(w, "welcome_prompt");
  write_string(w, g.welcome_prompt);
  write_key(w, "moh");
  write_string(w, g.moh);
  write_key(w, "join_prompt");
  write_string(w, g.join_prompt);
  write_key(w, "play_full_join_prompt");
  w.Int(g.play_full_join_prompt);
  write_key(w, "client_unique_ringtone");
  write_string(w, g.client_unique_ringtone);
  write_key(w, "no_agent_online_dest");
  write_string(w, to_string(g.no_agent_online_dest));
  write_key(w, "no_agent_online_prefix");
  write_string(w, g.no_agent_online_prefix);
  write_key(w, "no_agent_online_value");
  write_string(w, g.no_agent_online_value);
  write_key(w, "enb_miss_call");
  w.Int(g.enb_miss_call);
}

Status read_value(const Value& value, const Path& path, RingGroup& out) {
  if (Status fields = check_fields(value, path, group_fields, "Ring_Group_Detail"); !fields) {
    return fields;
  }
  constexpr std::size_t text = ring_group_json_limits::text_bytes;
  ObjectReader head(value, path);
  head.int32("id", out.id).string("number", out.number, text).string("name", out.name, text);
  read_enum(head, "ring_strategy", strategy_names, out.ring_strategy);
  head.int32("ring_timeout", out.ring_timeout);
  if (Status status = head.status(); !status) return status;
  if (const Value* list = head.find("member_list")) {
    Status status = read_members(*list, path.member("member_list"), out.member_list, false);
    if (!status) return status;
  }
  ObjectReader tail(value, path);
  read_enum(tail, "fail_dest", failover_names, out.fail_dest);
  tail.string("fail_dest_prefix", out.fail_dest_prefix, text)
      .string("fail_dest_value", out.fail_dest_value, text)
      .string("alert_info", out.alert_info, text)
      .string("welcome_prompt", out.welcome_prompt, text)
      .string("moh", out.moh, text)
      .string("join_prompt", out.join_prompt, text)
      .int32("play_full_join_prompt", out.play_full_join_prompt)
      .string("client_unique_ringtone", out.client_unique_ringtone, text);
  read_enum(tail, "no_agent_online_dest", failover_names, out.no_agent_online_dest);
  tail.string("no_agent_online_prefix", out.no_agent_online_prefix, text)
      .string("no_agent_online_value", out.no_agent_online_value, text)
      .int32("enb_miss_call", out.enb_miss_call);
  return tail.status();
}

}  // namespace json_detail

std::string to_json(const RingGroup& group) {
  return json_detail::encode_document(group, json_detail::write_value);
}

Result<RingGroup> ring_group_from_json(std::string_view json, RingGroup base) {
  Result<rapidjson::Document> document = json_detail::parse_document(json);
  if (!document) return document.error();
  if (!document->IsObject()) return Error::invalid("body", "must be a JSON object");
  const json_detail::Path root;
  if (Status status = json_detail::read_value(*document, root, base); !status) {
    return status.error();
  }
  return Result<RingGroup>(std::move(base));
}

}  // namespace chorus
