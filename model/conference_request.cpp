#include "model/conference_request.hpp"

#include <string>

#include "model/conference_enum_names.hpp"
#include "model/conference_json.hpp"
#include "model/conference_json_detail.hpp"
#include "model/field_limits.hpp"

namespace chorus {
namespace {

namespace jd = json_detail;
using rapidjson::Value;

// ---- value rules ----

Status in_range(std::int32_t value, std::string_view field, std::int32_t max) {
  if (value >= 0 && value <= max) return {};
  return Error::invalid(std::string(field), "must be between 0 and " + std::to_string(max));
}

Status check_name(const Text& name) {
  return check_text(name, "name", field_limits::conference_name);
}
Status check_detail(const Text& detail) {
  return check_text(detail, "detail", field_limits::conference_detail);
}
Status check_timeout(std::int32_t timeout) {
  return in_range(timeout, "timeout", ConferenceCreate::max_timeout);
}

// Data given as text must already be in normal form: normalising it again changes
// nothing. This also proves it is an object within the limits.
Status check_data(const Text& data) {
  if (data.empty()) return {};
  Result<Text> normal = conference_data_from_json(data);
  if (!normal) return normal.error();
  if (*normal != data) {
    return Error::invalid("data", "must be in normal form, as conference_data_from_json writes it");
  }
  return {};
}

Status check_zero(const Uuid& id, std::string_view field) {
  if (!id.is_zero()) return {};
  return Error::invalid(std::string(field), "must not be the zero UUID");
}

// The rules but data's, which decoding has just put in normal form.
Status check_values(const ConferenceCreate& r) {
  if (auto s = check_name(r.name); !s) return s;
  if (auto s = check_detail(r.detail); !s) return s;
  if (auto s = check_timeout(r.timeout); !s) return s;
  return in_range(r.max_participants, "max_participants", ConferenceCreate::max_participants_limit);
}

Status check_values(const ConferenceUpdate& r) {
  if (r.name) {
    if (auto s = check_name(*r.name); !s) return s;
  }
  if (r.detail) {
    if (auto s = check_detail(*r.detail); !s) return s;
  }
  if (r.timeout) return check_timeout(*r.timeout);
  return {};
}

// ---- bodies ----

bool has_member(const Value& object, std::string_view name) {
  const Value key(rapidjson::StringRef(name.data(), name.size()));
  return object.FindMember(key) != object.MemberEnd();
}

void require(jd::ObjectReader& r, const Value& object, std::string_view name) {
  if (r.status() && !has_member(object, name)) r.fail(name, "is required");
}

// Member `name` into `out` only when present and well-formed; `read` is the
// ObjectReader call that reads a T.
template <class T, class Read>
void optional_member(jd::ObjectReader& r, std::string_view name, std::optional<T>& out, Read read) {
  if (r.find(name) == nullptr) return;
  T value{};
  read(name, value);
  if (r.status()) out = std::move(value);
}

void read_create(jd::ObjectReader& r, const Value&, ConferenceCreate& out) {
  jd::read_enum(r, "type", detail::conference_type_names, out.type);
  r.uuid("id", out.id)
      .text("name", out.name, field_limits::conference_name)
      .text("detail", out.detail, field_limits::conference_detail)
      .int32("timeout", out.timeout);
  jd::read_conference_data(r, "data", out.data);
  r.uuid("pre_flow_id", out.pre_flow_id)
      .uuid("post_flow_id", out.post_flow_id)
      .int32("max_participants", out.max_participants);
}

void read_update(jd::ObjectReader& r, const Value&, ConferenceUpdate& out) {
  optional_member(r, "name", out.name, [&r](std::string_view name, Text& value) {
    r.text(name, value, field_limits::conference_name);
  });
  optional_member(r, "detail", out.detail, [&r](std::string_view name, Text& value) {
    r.text(name, value, field_limits::conference_detail);
  });
  optional_member(r, "data", out.data, [&r](std::string_view name, Text& value) {
    jd::read_conference_data(r, name, value);
  });
  optional_member(r, "timeout", out.timeout,
                  [&r](std::string_view name, std::int32_t& value) { r.int32(name, value); });
  optional_member(r, "pre_flow_id", out.pre_flow_id,
                  [&r](std::string_view name, Uuid& value) { r.uuid(name, value); });
  optional_member(r, "post_flow_id", out.post_flow_id,
                  [&r](std::string_view name, Uuid& value) { r.uuid(name, value); });
}

void read_join(jd::ObjectReader& r, const Value& object, ConferencecallJoin& out) {
  require(r, object, "conference_id");
  r.uuid("conference_id", out.conference_id);
  require(r, object, "reference_type");
  jd::read_enum(r, "reference_type", detail::conferencecall_reference_type_names,
                out.reference_type);
  require(r, object, "reference_id");
  r.uuid("reference_id", out.reference_id);
}

template <class Body>
Result<Body> decode_body(std::string_view body,
                         void (*read)(jd::ObjectReader&, const Value&, Body&)) {
  Result<rapidjson::Document> document = jd::parse_document(body);
  if (!document) return document.error();
  // The root has no field name of its own: name it "body", as the model's codecs do.
  if (!document->IsObject()) return Error::invalid("body", "must be a JSON object");
  Body out;
  const jd::Path root;
  jd::ObjectReader reader(*document, root);
  read(reader, *document, out);
  if (Status status = reader.status(); !status) return status.error();
  return Result<Body>(std::move(out));
}

template <class T>
bool assign(const std::optional<T>& from, T& to) {
  if (!from || *from == to) return false;
  to = *from;
  return true;
}

}  // namespace

Result<ConferenceCreate> conference_create_from_json(std::string_view body,
                                                     const Uuid& customer_id) {
  Result<ConferenceCreate> request = decode_body<ConferenceCreate>(body, read_create);
  if (!request) return request;
  request->customer_id = customer_id;
  if (Status status = check_values(*request); !status) return status.error();
  return request;
}

Result<ConferenceUpdate> conference_update_from_json(std::string_view body) {
  Result<ConferenceUpdate> request = decode_body<ConferenceUpdate>(body, read_update);
  if (!request) return request;
  if (Status status = check_values(*request); !status) return status.error();
  return request;
}

Result<ConferencecallJoin> conferencecall_join_from_json(std::string_view body,
                                                         const Uuid& customer_id) {
  Result<ConferencecallJoin> request = decode_body<ConferencecallJoin>(body, read_join);
  if (!request) return request;
  request->customer_id = customer_id;
  if (Status status = validate(*request); !status) return status.error();
  return request;
}

Status validate(const ConferenceCreate& request) {
  if (Status status = check_values(request); !status) return status;
  return check_data(request.data);
}

Status validate(const ConferenceUpdate& request) {
  if (Status status = check_values(request); !status) return status;
  return request.data ? check_data(*request.data) : Status();
}

Status validate(const ConferencecallJoin& request) {
  if (Status status = check_zero(request.conference_id, "conference_id"); !status) return status;
  return check_zero(request.reference_id, "reference_id");
}

bool apply(const ConferenceUpdate& update, Conference& conference) {
  bool changed = assign(update.name, conference.name);
  changed |= assign(update.detail, conference.detail);
  changed |= assign(update.data, conference.data);
  changed |= assign(update.timeout, conference.timeout);
  changed |= assign(update.pre_flow_id, conference.pre_flow_id);
  changed |= assign(update.post_flow_id, conference.post_flow_id);
  return changed;
}

}  // namespace chorus
