#include "transport/cluster/operation_messages.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/beast/http/field.hpp>

#include "model/utf8.hpp"

namespace chorus {

namespace http = boost::beast::http;

namespace {

// A request another node may forward: an operation on one resource of the API.
constexpr std::string_view api_prefix = "/v1.0/";
constexpr std::size_t max_target = 256;

std::string string_of(const rapidjson::Value& object, const char* name) {
  auto m = object.FindMember(name);
  return m != object.MemberEnd() && m->value.IsString()
             ? std::string(m->value.GetString(), m->value.GetStringLength())
             : std::string();
}

bool has_string(const rapidjson::Value& object, const char* name) {
  auto m = object.FindMember(name);
  return m != object.MemberEnd() && m->value.IsString();
}

void write(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string encode_request(const Uuid& customer_id, const HttpRequest& request) {
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));  // a query may hold an API key
  auto id = request["X-Request-Id"];
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  write(w, "customer_id", customer_id.to_string());
  write(w, "method",
        std::string_view(request.method_string().data(), request.method_string().size()));
  write(w, "target", target);
  write(w, "request_id", std::string_view(id.data(), id.size()));
  write(w, "body", request.body());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<ForwardedRequest> decode_request(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Error::invalid("request", "must be a JSON object");
  }
  for (const char* name : {"customer_id", "method", "target", "request_id", "body"}) {
    if (!has_string(doc, name)) return Error::invalid(name, "must be a string");
    // The parser checks the bytes it reads, not what an escape (a lone \udc00) makes.
    if (!is_valid_utf8(string_of(doc, name))) return Error::invalid(name, "must be valid UTF-8");
  }
  auto customer = Uuid::parse(string_of(doc, "customer_id"));
  if (!customer) return Error::invalid("customer_id", "must be a UUID");
  const std::string method = string_of(doc, "method");
  const auto verb = http::string_to_verb(method);
  if (verb != http::verb::post && verb != http::verb::put && verb != http::verb::delete_) {
    return Error::invalid("method", "must be POST, PUT or DELETE");
  }
  const std::string target = string_of(doc, "target");
  if (target.size() > max_target || target.compare(0, api_prefix.size(), api_prefix) != 0 ||
      target.find('?') != std::string::npos) {
    return Error::invalid("target", "must be a /v1.0/ path of at most 256 bytes");
  }
  ForwardedRequest forwarded{*customer, HttpRequest(verb, target, 11)};
  const std::string request_id = string_of(doc, "request_id");
  if (!request_id.empty()) forwarded.request.set("X-Request-Id", request_id);
  forwarded.request.set(http::field::content_type, "application/json");
  forwarded.request.body() = string_of(doc, "body");
  forwarded.request.prepare_payload();
  return forwarded;
}

std::string encode_answer(const HttpResponse& response) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("status");
  w.Uint(response.result_int());
  write(w, "body", response.body());
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<ForwardedAnswer> decode_answer(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || !has_string(doc, "body")) {
    return Error::invalid("answer", "must be {\"status\":N,\"body\":\"...\"}");
  }
  if (!is_valid_utf8(string_of(doc, "body"))) return Error::invalid("body", "must be valid UTF-8");
  auto status = doc.FindMember("status");
  if (status == doc.MemberEnd() || !status->value.IsUint() || status->value.GetUint() < 200 ||
      status->value.GetUint() > 599) {
    return Error::invalid("status", "must be an HTTP status from 200 to 599");
  }
  return ForwardedAnswer{status->value.GetUint(), string_of(doc, "body")};
}

}  // namespace chorus
