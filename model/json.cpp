#include "model/json.hpp"

#include <rapidjson/error/en.h>

#include "model/enum_names.hpp"
#include "model/field_limits.hpp"
#include "model/json_detail.hpp"

namespace chorus {
namespace json_detail {
namespace {

using rapidjson::SizeType;
using rapidjson::Value;

constexpr std::string_view uuid_rule = "must be a UUID";
constexpr std::string_view timestamp_rule = "must be a timestamp YYYY-MM-DD HH:MM:SS.ffffff";

// Element readers shared by the arrays; `path` names the element.
Status read_uuid(const Value& v, const Path& path, Uuid& out) {
  if (!v.IsString()) return Error::invalid(path.to_string(), "must be a string");
  const std::optional<Uuid> id = Uuid::parse(text_of(v));
  if (!id) return Error::invalid(path.to_string(), std::string(uuid_rule));
  out = *id;
  return {};
}

template <class T>
Status read_array(const Value& v, const Path& path, std::vector<T>& out,
                  Status (*read)(const Value&, const Path&, T&), std::size_t max_items = SIZE_MAX) {
  if (!v.IsArray()) return Error::invalid(path.to_string(), "must be an array");
  if (Status count = check_count(v.Size(), path.to_string(), max_items); !count) return count;
  std::vector<T> items(v.Size());
  for (SizeType i = 0; i < v.Size(); ++i) {
    Status status = read(v[i], path.element(i), items[i]);
    if (!status) return status;
  }
  out = std::move(items);
  return {};
}

}  // namespace

// ---- encoding ----

void write_string(JsonWriter& w, std::string_view text) {
  w.String(text.data(), static_cast<SizeType>(text.size()));
}

void write_uuid(JsonWriter& w, const Uuid& id) {
  char buffer[Uuid::text_size];
  id.write(buffer);
  w.String(buffer, static_cast<SizeType>(sizeof buffer));
}

void write_timestamp(JsonWriter& w, Timestamp t) {
  char buffer[Timestamp::text_size];
  t.write(buffer);
  w.String(buffer, static_cast<SizeType>(sizeof buffer));
}

void write_uuids(JsonWriter& w, const std::vector<Uuid>& ids) {
  w.StartArray();
  for (const Uuid& id : ids) write_uuid(w, id);
  w.EndArray();
}

namespace {

void write_addresses(JsonWriter& w, const std::vector<Address>& addresses) {
  w.StartArray();
  for (const Address& address : addresses) write_value(w, address);
  w.EndArray();
}

}  // namespace

void write_value(JsonWriter& w, const Address& a) {
  w.StartObject();
  write_key(w, "type");
  write_string(w, to_string(a.type));
  write_key(w, "target");
  write_string(w, a.target);
  write_key(w, "target_name");
  write_string(w, a.target_name);
  write_key(w, "name");
  write_string(w, a.name);
  write_key(w, "detail");
  write_string(w, a.detail);
  // Extensions, written only when set so that a plain address stays VoIPbin's exactly.
  if (a.delay != 0) {
    write_key(w, "delay");
    w.Int(a.delay);
  }
  if (a.timeout != 0) {
    write_key(w, "timeout");
    w.Int(a.timeout);
  }
  w.EndObject();
}

void write_value(JsonWriter& w, const Failover& f) {
  w.StartObject();
  write_key(w, "dest");
  write_string(w, f.dest);
  write_key(w, "value");
  write_string(w, f.value);
  w.EndObject();
}

void write_value(JsonWriter& w, const Groupcall& g) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, g.id);
  write_key(w, "customer_id");
  write_uuid(w, g.customer_id);
  write_key(w, "owner_type");
  write_string(w, g.owner_type);
  write_key(w, "owner_id");
  write_uuid(w, g.owner_id);
  write_key(w, "status");
  write_string(w, to_string(g.status));
  write_key(w, "source");
  write_value(w, g.source);
  write_key(w, "destinations");
  write_addresses(w, g.destinations);
  write_key(w, "master_call_id");
  write_uuid(w, g.master_call_id);
  write_key(w, "master_groupcall_id");
  write_uuid(w, g.master_groupcall_id);
  write_key(w, "ring_method");
  write_string(w, to_string(g.ring_method));
  write_key(w, "answer_method");
  write_string(w, to_string(g.answer_method));
  write_key(w, "answer_call_id");
  write_uuid(w, g.answer_call_id);
  write_key(w, "answer_groupcall_id");
  write_uuid(w, g.answer_groupcall_id);
  write_key(w, "call_ids");
  write_uuids(w, g.call_ids);
  write_key(w, "groupcall_ids");
  write_uuids(w, g.groupcall_ids);
  write_key(w, "call_count");
  w.Int(g.call_count);
  write_key(w, "groupcall_count");
  w.Int(g.groupcall_count);
  write_key(w, "dial_index");
  w.Int(g.dial_index);
  write_key(w, "ring_timeout");
  w.Int(g.ring_timeout);
  write_key(w, "answer_timeout");
  w.Int(g.answer_timeout);
  write_key(w, "conference_id");
  write_uuid(w, g.conference_id);
  write_key(w, "repeats");
  w.Int(g.repeats);
  write_key(w, "fail_on_single_reject");
  w.Bool(g.fail_on_single_reject);
  write_key(w, "failover");
  write_value(w, g.failover);
  write_key(w, "tm_create");
  write_timestamp(w, g.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, g.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, g.tm_delete);
  w.EndObject();
}

void write_value(JsonWriter& w, const Call& c) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, c.id);
  write_key(w, "customer_id");
  write_uuid(w, c.customer_id);
  write_key(w, "groupcall_id");
  write_uuid(w, c.groupcall_id);
  write_key(w, "master_call_id");
  write_uuid(w, c.master_call_id);
  write_key(w, "conference_id");
  write_uuid(w, c.conference_id);
  write_key(w, "source");
  write_value(w, c.source);
  write_key(w, "destination");
  write_value(w, c.destination);
  write_key(w, "direction");
  write_string(w, to_string(c.direction));
  write_key(w, "status");
  write_string(w, to_string(c.status));
  write_key(w, "hangup_by");
  write_string(w, to_string(c.hangup_by));
  write_key(w, "hangup_reason");
  write_string(w, to_string(c.hangup_reason));
  write_key(w, "tm_create");
  write_timestamp(w, c.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, c.tm_update);
  write_key(w, "tm_progressing");
  write_timestamp(w, c.tm_progressing);
  write_key(w, "tm_ringing");
  write_timestamp(w, c.tm_ringing);
  write_key(w, "tm_hangup");
  write_timestamp(w, c.tm_hangup);
  write_key(w, "tm_delete");
  write_timestamp(w, c.tm_delete);
  w.EndObject();
}

void write_value(JsonWriter& w, const Agent& a) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, a.id);
  write_key(w, "customer_id");
  write_uuid(w, a.customer_id);
  write_key(w, "name");
  write_string(w, a.name);
  write_key(w, "addresses");
  write_addresses(w, a.addresses);
  write_key(w, "ring_method");
  write_string(w, to_string(a.ring_method));
  write_key(w, "tm_create");
  write_timestamp(w, a.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, a.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, a.tm_delete);
  w.EndObject();
}

void write_value(JsonWriter& w, const Extension& e) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, e.id);
  write_key(w, "customer_id");
  write_uuid(w, e.customer_id);
  write_key(w, "name");
  write_string(w, e.name);
  write_key(w, "extension");
  write_string(w, e.extension);
  write_key(w, "contacts");
  write_addresses(w, e.contacts);
  write_key(w, "tm_create");
  write_timestamp(w, e.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, e.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, e.tm_delete);
  w.EndObject();
}

void write_value(JsonWriter& w, const ExtensionGroup& g) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, g.id);
  write_key(w, "customer_id");
  write_uuid(w, g.customer_id);
  write_key(w, "name");
  write_string(w, g.name);
  write_key(w, "extensions");
  w.StartArray();
  for (const std::string& extension : g.extensions) write_string(w, extension);
  w.EndArray();
  write_key(w, "tm_create");
  write_timestamp(w, g.tm_create);
  write_key(w, "tm_update");
  write_timestamp(w, g.tm_update);
  write_key(w, "tm_delete");
  write_timestamp(w, g.tm_delete);
  w.EndObject();
}

void write_value(JsonWriter& w, const MissedCall& m) {
  w.StartObject();
  write_key(w, "id");
  write_uuid(w, m.id);
  write_key(w, "customer_id");
  write_uuid(w, m.customer_id);
  write_key(w, "extension_id");
  write_uuid(w, m.extension_id);
  write_key(w, "ring_group_id");
  w.Int(m.ring_group_id);
  write_key(w, "groupcall_id");
  write_uuid(w, m.groupcall_id);
  write_key(w, "master_call_id");
  write_uuid(w, m.master_call_id);
  write_key(w, "source");
  write_value(w, m.source);
  write_key(w, "tm_create");
  write_timestamp(w, m.tm_create);
  w.EndObject();
}

// ---- paths and documents ----

std::string Path::to_string() const {
  if (parent == nullptr) return {};
  std::string text = parent->to_string();
  if (is_element) {
    text += '[';
    text += std::to_string(index);
    text += ']';
    return text;
  }
  if (!text.empty()) text += '.';
  text += key;
  return text;
}

namespace {

// Whether arrays and objects nest deeper than `limit` anywhere in `json`: one pass
// over the bytes, skipping strings, before the parser builds anything.
bool nests_deeper_than(std::string_view json, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

Result<rapidjson::Document> parse_document(std::string_view json) {
  if (nests_deeper_than(json, max_json_depth)) {
    return Error::invalid(
        "body", "malformed JSON: nested deeper than " + std::to_string(max_json_depth) + " levels");
  }
  // The iterative parser uses no recursion whatever the input. Encoding is checked
  // per string as it is read (check_text), so that the error can name the field;
  // strings nobody reads are never stored or echoed.
  constexpr unsigned flags = rapidjson::kParseIterativeFlag;
  rapidjson::Document document;
  // Parse() takes a length, so the input need not be NUL-terminated.
  document.Parse<flags>(json.data(), json.size());
  if (document.HasParseError()) {
    return Error::invalid("body", std::string("malformed JSON: ") +
                                      rapidjson::GetParseError_En(document.GetParseError()) +
                                      " at offset " + std::to_string(document.GetErrorOffset()));
  }
  return Result<rapidjson::Document>(std::move(document));
}

// ---- decoding ----

ObjectReader::ObjectReader(const Value& value, const Path& path) : object_(value), path_(path) {
  if (!object_.IsObject()) status_ = Error::invalid(path_.to_string(), "must be an object");
}

const Value* ObjectReader::find(std::string_view name) const {
  if (!status_) return nullptr;
  const auto it = object_.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
  return it == object_.MemberEnd() ? nullptr : &it->value;
}

void ObjectReader::fail(std::string_view name, std::string rule) {
  if (status_) status_ = Error::invalid(path_.member(name).to_string(), std::move(rule));
}

Status ObjectReader::status() const {
  return status_;
}

const Value* ObjectReader::checked_text(std::string_view name, std::size_t max_bytes) {
  const Value* v = find(name);
  if (v == nullptr) return nullptr;
  if (!v->IsString()) {
    fail(name, "must be a string");
    return nullptr;
  }
  if (auto rule = broken_text_rule(text_of(*v), max_bytes)) {
    fail(name, std::move(*rule));
    return nullptr;
  }
  return v;
}

ObjectReader& ObjectReader::string(std::string_view name, std::string& out, std::size_t max_bytes) {
  if (const Value* v = checked_text(name, max_bytes))
    out.assign(v->GetString(), v->GetStringLength());
  return *this;
}

ObjectReader& ObjectReader::text(std::string_view name, Text& out, std::size_t max_bytes) {
  if (const Value* v = checked_text(name, max_bytes)) out = Text(text_of(*v));
  return *this;
}

ObjectReader& ObjectReader::uuid(std::string_view name, Uuid& out) {
  const Value* v = find(name);
  if (v != nullptr) status_ = read_uuid(*v, path_.member(name), out);
  return *this;
}

ObjectReader& ObjectReader::timestamp(std::string_view name, Timestamp& out) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  if (!v->IsString()) {
    fail(name, "must be a string");
    return *this;
  }
  const std::optional<Timestamp> t = Timestamp::parse(text_of(*v));
  if (t) {
    out = *t;
  } else {
    fail(name, std::string(timestamp_rule));
  }
  return *this;
}

ObjectReader& ObjectReader::int32(std::string_view name, std::int32_t& out) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  // IsInt() is true only for integers that fit 32 bits; 1.5 or 1e10 are refused.
  if (v->IsInt()) {
    out = v->GetInt();
  } else {
    fail(name, "must be a 32-bit integer");
  }
  return *this;
}

ObjectReader& ObjectReader::int32(std::string_view name, std::int32_t& out, std::int32_t min,
                                  std::int32_t max) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  if (!v->IsInt()) {
    fail(name, "must be a 32-bit integer");
  } else if (v->GetInt() < min || v->GetInt() > max) {
    fail(name, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  } else {
    out = v->GetInt();
  }
  return *this;
}

ObjectReader& ObjectReader::boolean(std::string_view name, bool& out) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  if (v->IsBool()) {
    out = v->GetBool();
  } else {
    fail(name, "must be true or false");
  }
  return *this;
}

ObjectReader& ObjectReader::strings(std::string_view name, std::vector<std::string>& out,
                                    std::size_t max_bytes, std::size_t max_items) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  const Path path = path_.member(name);
  if (!v->IsArray()) {
    status_ = Error::invalid(path.to_string(), "must be an array");
    return *this;
  }
  status_ = check_count(v->Size(), path.to_string(), max_items);
  if (!status_) return *this;
  std::vector<std::string> items(v->Size());
  for (SizeType i = 0; status_ && i < v->Size(); ++i) {
    const Value& item = (*v)[i];
    if (!item.IsString()) {
      status_ = Error::invalid(path.element(i).to_string(), "must be a string");
    } else if (auto rule = broken_text_rule(text_of(item), max_bytes)) {
      status_ = Error::invalid(path.element(i).to_string(), std::move(*rule));
    } else {
      items[i].assign(item.GetString(), item.GetStringLength());
    }
  }
  if (status_) out = std::move(items);
  return *this;
}

ObjectReader& ObjectReader::address(std::string_view name, Address& out) {
  const Value* v = find(name);
  if (v != nullptr) status_ = read_value(*v, path_.member(name), out);
  return *this;
}

ObjectReader& ObjectReader::failover(std::string_view name, Failover& out) {
  const Value* v = find(name);
  if (v != nullptr) status_ = read_value(*v, path_.member(name), out);
  return *this;
}

ObjectReader& ObjectReader::addresses(std::string_view name, std::vector<Address>& out,
                                      std::size_t max_items) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  status_ = read_array<Address>(*v, path_.member(name), out, &read_value, max_items);
  return *this;
}

ObjectReader& ObjectReader::uuids(std::string_view name, std::vector<Uuid>& out) {
  const Value* v = find(name);
  if (v != nullptr) status_ = read_array<Uuid>(*v, path_.member(name), out, &read_uuid);
  return *this;
}

template <class E, std::size_t N>
ObjectReader& ObjectReader::enumeration(std::string_view name,
                                        const std::array<std::string_view, N>& names, E& out) {
  const Value* v = find(name);
  if (v == nullptr) return *this;
  if (!v->IsString()) {
    fail(name, "must be a string");
    return *this;
  }
  const std::optional<E> parsed = detail::enum_parse<E>(names, text_of(*v));
  if (parsed) {
    out = *parsed;
  } else {
    fail(name, detail::one_of_rule(names));
  }
  return *this;
}

ObjectReader& ObjectReader::address_type(std::string_view name, AddressType& out) {
  return enumeration(name, detail::address_type_names, out);
}
ObjectReader& ObjectReader::call_status(std::string_view name, CallStatus& out) {
  return enumeration(name, detail::call_status_names, out);
}
ObjectReader& ObjectReader::call_direction(std::string_view name, CallDirection& out) {
  return enumeration(name, detail::call_direction_names, out);
}
ObjectReader& ObjectReader::hangup_by(std::string_view name, HangupBy& out) {
  return enumeration(name, detail::hangup_by_names, out);
}
ObjectReader& ObjectReader::hangup_reason(std::string_view name, HangupReason& out) {
  return enumeration(name, detail::hangup_reason_names, out);
}
ObjectReader& ObjectReader::groupcall_status(std::string_view name, GroupcallStatus& out) {
  return enumeration(name, detail::groupcall_status_names, out);
}
ObjectReader& ObjectReader::ring_method(std::string_view name, RingMethod& out) {
  return enumeration(name, detail::ring_method_names, out);
}
ObjectReader& ObjectReader::answer_method(std::string_view name, AnswerMethod& out) {
  return enumeration(name, detail::answer_method_names, out);
}

Status read_value(const Value& value, const Path& path, Address& out) {
  ObjectReader r(value, path);
  r.address_type("type", out.type)
      .text("target", out.target, field_limits::address_target)
      .text("target_name", out.target_name, field_limits::address_target_name)
      .text("name", out.name, field_limits::address_name)
      .text("detail", out.detail, field_limits::address_detail)
      .int32("delay", out.delay, 0, field_limits::destination_seconds)
      .int32("timeout", out.timeout, 0, field_limits::destination_seconds);
  return r.status();
}

Status read_value(const Value& value, const Path& path, Failover& out) {
  ObjectReader r(value, path);
  r.string("dest", out.dest, field_limits::failover_dest)
      .string("value", out.value, field_limits::failover_value);
  return r.status();
}

Status read_value(const Value& value, const Path& path, Groupcall& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("owner_type", out.owner_type, field_limits::owner_type)
      .uuid("owner_id", out.owner_id)
      .groupcall_status("status", out.status)
      .address("source", out.source)
      .addresses("destinations", out.destinations)
      .uuid("master_call_id", out.master_call_id)
      .uuid("master_groupcall_id", out.master_groupcall_id)
      .ring_method("ring_method", out.ring_method)
      .answer_method("answer_method", out.answer_method)
      .uuid("answer_call_id", out.answer_call_id)
      .uuid("answer_groupcall_id", out.answer_groupcall_id)
      .uuids("call_ids", out.call_ids)
      .uuids("groupcall_ids", out.groupcall_ids)
      .int32("call_count", out.call_count)
      .int32("groupcall_count", out.groupcall_count)
      .int32("dial_index", out.dial_index)
      .int32("ring_timeout", out.ring_timeout)
      .int32("answer_timeout", out.answer_timeout)
      .uuid("conference_id", out.conference_id)
      .int32("repeats", out.repeats)
      .boolean("fail_on_single_reject", out.fail_on_single_reject)
      .failover("failover", out.failover)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

Status read_value(const Value& value, const Path& path, Call& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .uuid("groupcall_id", out.groupcall_id)
      .uuid("master_call_id", out.master_call_id)
      .uuid("conference_id", out.conference_id)
      .address("source", out.source)
      .address("destination", out.destination)
      .call_direction("direction", out.direction)
      .call_status("status", out.status)
      .hangup_by("hangup_by", out.hangup_by)
      .hangup_reason("hangup_reason", out.hangup_reason)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_progressing", out.tm_progressing)
      .timestamp("tm_ringing", out.tm_ringing)
      .timestamp("tm_hangup", out.tm_hangup)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

Status read_value(const Value& value, const Path& path, Agent& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("name", out.name, field_limits::directory_name)
      .addresses("addresses", out.addresses, field_limits::agent_addresses)
      .ring_method("ring_method", out.ring_method)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

Status read_value(const Value& value, const Path& path, Extension& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("name", out.name, field_limits::directory_name)
      .string("extension", out.extension, field_limits::extension_number)
      .addresses("contacts", out.contacts, field_limits::extension_contacts)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

Status read_value(const Value& value, const Path& path, ExtensionGroup& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .string("name", out.name, field_limits::directory_name)
      .strings("extensions", out.extensions, field_limits::extension_number,
               field_limits::extension_group_members)
      .timestamp("tm_create", out.tm_create)
      .timestamp("tm_update", out.tm_update)
      .timestamp("tm_delete", out.tm_delete);
  return r.status();
}

Status read_value(const Value& value, const Path& path, MissedCall& out) {
  ObjectReader r(value, path);
  r.uuid("id", out.id)
      .uuid("customer_id", out.customer_id)
      .uuid("extension_id", out.extension_id)
      .int32("ring_group_id", out.ring_group_id)
      .uuid("groupcall_id", out.groupcall_id)
      .uuid("master_call_id", out.master_call_id)
      .address("source", out.source)
      .timestamp("tm_create", out.tm_create);
  return r.status();
}

}  // namespace json_detail

std::string to_json(const Address& address) {
  return json_detail::encode_document(address, json_detail::write_value);
}
std::string to_json(const Groupcall& groupcall) {
  return json_detail::encode_document(groupcall, json_detail::write_value);
}
std::string to_json(const Call& call) {
  return json_detail::encode_document(call, json_detail::write_value);
}
std::string to_json(const Agent& agent) {
  return json_detail::encode_document(agent, json_detail::write_value);
}
std::string to_json(const Extension& extension) {
  return json_detail::encode_document(extension, json_detail::write_value);
}
std::string to_json(const ExtensionGroup& group) {
  return json_detail::encode_document(group, json_detail::write_value);
}
std::string to_json(const MissedCall& missed_call) {
  return json_detail::encode_document(missed_call, json_detail::write_value);
}

Result<Address> address_from_json(std::string_view json) {
  return json_detail::decode_document<Address>(json, json_detail::read_value);
}
Result<Groupcall> groupcall_from_json(std::string_view json) {
  return json_detail::decode_document<Groupcall>(json, json_detail::read_value);
}
Result<Call> call_from_json(std::string_view json) {
  return json_detail::decode_document<Call>(json, json_detail::read_value);
}
Result<Agent> agent_from_json(std::string_view json) {
  return json_detail::decode_document<Agent>(json, json_detail::read_value);
}
Result<Extension> extension_from_json(std::string_view json) {
  return json_detail::decode_document<Extension>(json, json_detail::read_value);
}
Result<ExtensionGroup> extension_group_from_json(std::string_view json) {
  return json_detail::decode_document<ExtensionGroup>(json, json_detail::read_value);
}
Result<MissedCall> missed_call_from_json(std::string_view json) {
  return json_detail::decode_document<MissedCall>(json, json_detail::read_value);
}

}  // namespace chorus
