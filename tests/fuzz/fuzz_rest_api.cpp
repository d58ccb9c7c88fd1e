// The whole REST API (transport/rest_api: RestApi::handle) over one real engine with
// the simulated leg driver, under CAF's deterministic scheduler, so that a failing
// input replays exactly. The input is a request in request_text.hpp's form (method,
// target with its query, headers, body); each input happens 5 s of virtual time after
// the previous one, so groupcalls ring, answer and end as the fuzzer goes.
// Properties: every request is answered, with a 2xx or 4xx; every JSON body is valid
// JSON in valid UTF-8 and every other body valid UTF-8; every error body is VoIPbin's
// envelope; every answer carries an X-Request-Id of safe text, which an error body
// repeats; no error body and no request id carries the API key;
// a created groupcall, agent or extension reads back through the model's decoders and
// passes the validator.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <boost/beast/http/field.hpp>

#include "accepted_value.hpp"
#include "actors/engine.hpp"
#include "model/json.hpp"
#include "property.hpp"
#include "request_text.hpp"
#include "tests/engine/engine_probe.hpp"
#include "transport/rest_api.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace {

namespace http = boost::beast::http;
using chorus::fuzz::expect;

const chorus::Uuid customer = *chorus::Uuid::parse("7f3c9a52-1d4e-4b8a-9c6f-0e2d5b7a8c91");
const std::string key = "dev-0123456789abcdef0123456789abcdef";

chorus::EngineOptions options() {
  chorus::EngineOptions options;
  options.deterministic = true;
  // Ended groupcalls are kept for reads; a few hundred keep a long run's memory flat.
  options.retained_groupcalls = 200;
  return options;
}

// chorusd's parts, once per process and never destroyed: an engine stopped at exit
// would only add time to every run.
struct Daemon {
  chorus::Engine engine{std::make_shared<chorus::SimulatedLegDriver>(), options()};
  chorus::EngineProbe probe{engine};
  chorus::HttpMetrics metrics;
  chorus::RestApi api{engine, chorus::ApiKeys({chorus::ApiKey{key, customer}}), metrics};
};

Daemon& daemon() {
  static Daemon* daemon = new Daemon;
  return *daemon;
}

bool is_json_response(const chorus::HttpResponse& response) {
  auto type = response[http::field::content_type];
  return std::string_view(type.data(), type.size()).rfind("application/json", 0) == 0;
}

// What a successful write answers must be a resource the model reads back, valid.
void check_created(const chorus::HttpRequest& request, const std::string& body) {
  std::string_view target(request.target().data(), request.target().size());
  auto path = target.substr(0, target.find('?'));
  if (path.find("/groupcalls") != std::string_view::npos && path.find("/hangup") == path.npos) {
    auto groupcall = chorus::groupcall_from_json(body);
    expect(groupcall.ok(), "a groupcall the API answers decodes", body);
    chorus::fuzz::expect_valid_address(groupcall->source, "source");
    for (auto& d : groupcall->destinations) chorus::fuzz::expect_valid_address(d, "destination");
  } else if (path.find("/agents") != std::string_view::npos) {
    auto agent = chorus::agent_from_json(body);
    expect(agent.ok(), "an agent the API answers decodes", body);
    chorus::fuzz::expect_valid_agent(*agent);
  } else if (path.find("/extensions") != std::string_view::npos) {
    auto extension = chorus::extension_from_json(body);
    expect(extension.ok(), "an extension the API answers decodes", body);
    chorus::fuzz::expect_valid_extension(*extension);
  }
}

bool is_safe_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\'' && c != '\\';
  });
}

// {"error":{"status","reason","message","request_id"[,"field"]}}, all strings, with the
// answer's own request id.
void check_envelope(const std::string& body, std::string_view request_id) {
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  expect(
      !doc.HasParseError() && doc.IsObject() && doc.HasMember("error") && doc["error"].IsObject(),
      "an error body is the envelope", body);
  auto& error = doc["error"];
  for (auto* member : {"status", "reason", "message", "request_id"}) {
    expect(error.HasMember(member) && error[member].IsString(),
           std::string("the envelope has a string ") + member, body);
  }
  expect(!error.HasMember("field") || error["field"].IsString(), "a field is a string", body);
  expect(std::string_view(error["request_id"].GetString(), error["request_id"].GetStringLength()) ==
             request_id,
         "the envelope's request id is the header's", body);
}

void check_response(const chorus::HttpRequest& request, const chorus::HttpResponse& response) {
  unsigned status = response.result_int();
  expect((status >= 200 && status < 300) || (status >= 400 && status < 500),
         "every answer is a 2xx or a 4xx", std::to_string(status) + " " + response.body());
  const std::string& body = response.body();
  if (is_json_response(response)) {
    chorus::fuzz::expect_json(body, "a JSON body");
  } else {
    expect(chorus::fuzz::is_utf8(body), "a body is valid UTF-8", body);
  }
  // The key arrives in a header or the query; no answer may repeat it. A resource
  // the client wrote the key into (a target, a name) carries it back by design,
  // so only error bodies, which name fields and rules and never values, are held
  // to it (a fuzzer input put the key in a source target: a created groupcall).
  auto id_field = response["X-Request-Id"];
  std::string_view request_id(id_field.data(), id_field.size());
  expect(is_safe_request_id(request_id), "every answer carries a safe X-Request-Id", request_id);
  // A client may send its key as its request id: it must not come back, nor reach the log.
  expect(request_id.find(key) == std::string_view::npos, "no request id carries the API key",
         request_id);
  if (status >= 400) {
    expect(body.find(key) == std::string::npos, "no error body carries the API key", body);
    check_envelope(body, request_id);
  }
  bool writes = request.method() == http::verb::post || request.method() == http::verb::put;
  if (status == 200 && writes && is_json_response(response)) check_created(request, body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto request =
      chorus::fuzz::request_from_text(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!request) return 0;
  Daemon& d = daemon();
  chorus::HttpRequest copy = *request;
  // Shared with the responder, which an engine actor may call after handle() returns.
  auto response = std::make_shared<std::optional<chorus::HttpResponse>>();
  d.api.handle(std::move(copy), [response](chorus::HttpResponse r) { *response = std::move(r); });
  d.probe.run();
  expect(response->has_value(), "every request is answered");
  check_response(*request, **response);
  d.probe.scheduler().advance_time(std::chrono::seconds(5));
  d.probe.run();
  return 0;
}
