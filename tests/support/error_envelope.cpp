#include "tests/support/error_envelope.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

namespace chorus::test {
namespace {

// Every member the envelope always has, each a string.
constexpr const char* envelope_members[] = {"status", "reason", "message", "request_id"};

std::string member(const rapidjson::Value& object, const char* name) {
  auto m = object.FindMember(name);
  return m != object.MemberEnd() && m->value.IsString() ? m->value.GetString() : std::string();
}

}  // namespace

std::string status_name(unsigned status) {
  static const std::map<unsigned, std::string> names = {
      {400, "BAD_REQUEST"},
      {401, "UNAUTHORIZED"},
      {404, "NOT_FOUND"},
      {405, "METHOD_NOT_ALLOWED"},
      {409, "CONFLICT"},
      {413, "PAYLOAD_TOO_LARGE"},
      {414, "URI_TOO_LONG"},
      {415, "UNSUPPORTED_MEDIA_TYPE"},
      {426, "UPGRADE_REQUIRED"},
      {431, "REQUEST_HEADER_FIELDS_TOO_LARGE"},
      {500, "INTERNAL_SERVER_ERROR"},
      {503, "SERVICE_UNAVAILABLE"},
  };
  auto i = names.find(status);
  return i == names.end() ? "<no name for " + std::to_string(status) + ">" : i->second;
}

void expect_error_envelope(const std::string& body, const std::string& request_id_header,
                           unsigned status, const std::string& reason, const std::string& mentions,
                           const std::optional<std::string>& field) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  ASSERT_TRUE(!doc.HasParseError() && doc.IsObject()) << "not a JSON object: " << body;
  auto error = doc.FindMember("error");
  ASSERT_TRUE(error != doc.MemberEnd() && error->value.IsObject()) << "no envelope: " << body;
  auto& e = error->value;
  for (auto* name : envelope_members) {
    ASSERT_TRUE(e.HasMember(name) && e[name].IsString())
        << "no string member " << name << ": " << body;
  }
  EXPECT_EQ(member(e, "status"), status_name(status)) << body;
  EXPECT_EQ(member(e, "reason"), reason) << body;
  auto message = member(e, "message");
  EXPECT_FALSE(message.empty()) << body;
  if (!mentions.empty()) {
    EXPECT_NE(message.find(mentions), std::string::npos)
        << "message does not mention \"" << mentions << "\": " << body;
  }
  EXPECT_FALSE(request_id_header.empty()) << "no X-Request-Id: " << body;
  EXPECT_EQ(member(e, "request_id"), request_id_header) << body;
  if (e.HasMember("field")) {
    ASSERT_TRUE(e["field"].IsString()) << body;
    EXPECT_NE(message.find(e["field"].GetString()), std::string::npos)
        << "the message should name the field: " << body;
  }
  if (field && field->empty()) {
    EXPECT_FALSE(e.HasMember("field")) << body;
  } else if (field) {
    EXPECT_EQ(member(e, "field"), *field) << "no field " << *field << ": " << body;
  }
}

void expect_error(const HttpResponse& r, unsigned status, const std::string& reason,
                  const std::string& mentions, const std::optional<std::string>& field) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("Content-Type"), "application/json") << r.body;
  expect_error_envelope(r.body, r.header("X-Request-Id"), status, reason, mentions, field);
}

}  // namespace chorus::test
