#include "transport/dialects/apio/apio_api.hpp"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/beast/http.hpp>

#include "model/apio_json.hpp"
#include "model/instant_group_call_rules.hpp"
#include "transport/error_meanings.hpp"
#include "transport/error_names.hpp"
#include "transport/json_media_type.hpp"
#include "transport/request_id.hpp"
#include "transport/rest_json.hpp"

namespace chorus::apio {

namespace http = boost::beast::http;

namespace {

namespace limits = instant_group_call_limits;

// Generated ids that collide with an existing one are drawn again, this often.
constexpr int generation_attempts = 8;

constexpr std::string_view api_prefix = "/api/v1/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path segment percent-decoded ('+' stays '+': it starts E.164 numbers); nullopt
// for a broken escape.
std::optional<std::string> decode_segment(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// The segments of a path below /api/v1/, without one trailing slash; nullopt when
// the path is not below it or has an empty segment.
std::optional<std::vector<std::string_view>> segments_of(std::string_view path) {
  if (path.substr(0, api_prefix.size()) != api_prefix) return std::nullopt;
  path.remove_prefix(api_prefix.size());
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string_view> parts;
  while (true) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (part.empty()) return std::nullopt;
    parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string method_name(const HttpRequest& request) {
  if (request.method() == http::verb::unknown) return "this method";
  return std::string(http::to_string(request.method()));
}

}  // namespace

RandomDigit system_random_digit() {
  struct Source {
    std::mutex mutex;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto source = std::make_shared<Source>();
  return [source]() {
    std::lock_guard<std::mutex> lock(source->mutex);
    return static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(source->engine));
  };
}

// One request on its way through the dialect; every answer leaves through send().
struct ApioApi::Exchange {
  Exchange(const HttpRequest& request, HttpResponder respond, std::string request_id,
           HttpMetrics& metrics)
      : request(request),
        respond(std::move(respond)),
        started(std::chrono::steady_clock::now()),
        request_id(std::move(request_id)),
        metrics(metrics) {}

  const HttpRequest& request;
  HttpResponder respond;
  std::chrono::steady_clock::time_point started;
  std::string request_id;
  HttpMetrics& metrics;
  std::string_view label = "/api/v1/{unknown}";  // the endpoint, in metrics
  std::string_view allow;                        // a 405's Allow header
  Uuid customer{};
  std::string tenant_id;
  std::string group_id;
  std::string service_user_id;  // instance endpoints
  bool answered = false;

  void send(http::status status, std::string body) {
    HttpResponse response{status, request.version()};
    response.set(http::field::server, "chorusd");
    if (!body.empty()) response.set(http::field::content_type, "application/json");
    response.set("X-Request-Id", request_id);
    if (!allow.empty()) response.set(http::field::allow, allow);
    response.body() = std::move(body);
    metrics.record(label, static_cast<unsigned>(status),
                   std::chrono::steady_clock::now() - started);
    answered = true;
    respond(std::move(response));
  }
  // `message` and `field` never hold request bytes beyond what a check named.
  void fail(http::status status, std::string_view reason, std::string_view message,
            std::string_view field = {}) {
    spdlog::debug("apio {} answered {} {}: {}", request_id, static_cast<unsigned>(status), reason,
                  message);
    const std::string name = status_name(status);
    send(status, error_json(ErrorEnvelope{name, reason, message, field, request_id}));
  }
  void fail(const Error& error) {
    const ErrorMeaning& m = meaning_of(error.code);
    const bool store =
        error.code == ErrorCode::unavailable && error.message.rfind("store: ", 0) == 0;
    fail(m.status, store ? "STORE_UNAVAILABLE" : m.reason, error.message, error.field);
  }
  // The path's ids are not repeated: they are the caller's bytes, a key perhaps.
  void missing_service() {
    fail(http::status::not_found, "INSTANT_GROUP_CALL_NOT_FOUND",
         "no such instant group call in this group");
  }
  void missing_group() {
    fail(http::status::not_found, "GROUP_NOT_FOUND",
         "no such group: a group exists from its first service, within the key's customer");
  }
};

enum class Shape { collection, instance, active };

struct ApioApi::Endpoint {
  Shape shape;
  http::verb method;
  std::string_view label;
  void (ApioApi::*handler)(Exchange& x);
};

// clang-format off
const ApioApi::Endpoint ApioApi::endpoints[] = {
    {Shape::collection, http::verb::get,
     "/api/v1/tenants/{tenant_id}/groups/{group_id}/services/instant_group_calls/", &ApioApi::list},
    {Shape::collection, http::verb::post,
     "/api/v1/tenants/{tenant_id}/groups/{group_id}/services/instant_group_calls/", &ApioApi::create},
    {Shape::instance, http::verb::get,
     "/api/v1/tenants/{tenant_id}/groups/{group_id}/services/instant_group_calls/{service_user_id}/",
     &ApioApi::get},
    {Shape::instance, http::verb::put,
     "/api/v1/tenants/{tenant_id}/groups/{group_id}/services/instant_group_calls/{service_user_id}/",
     &ApioApi::update},
    {Shape::instance, http::verb::delete_,
     "/api/v1/tenants/{tenant_id}/groups/{group_id}/services/instant_group_calls/{service_user_id}/",
     &ApioApi::remove},
    {Shape::active, http::verb::put,
     "/api/v1/tenants/{tenant_id}/groups/{group_id}/services/instant_group_calls_active/",
     &ApioApi::set_active},
};
// clang-format on

namespace {

constexpr std::string_view allowed[] = {"GET, POST", "GET, PUT, DELETE", "PUT"};

// The shape a path has, and its placement segments: tenants/T/groups/G/services/...
struct ParsedPath {
  Shape shape;
  std::string_view tenant, group, service;
};
std::optional<ParsedPath> parse_path(std::string_view path) {
  auto parts = segments_of(path);
  if (!parts || parts->size() < 6 || parts->size() > 7) return std::nullopt;
  const auto& p = *parts;
  if (p[0] != "tenants" || p[2] != "groups" || p[4] != "services") return std::nullopt;
  if (p.size() == 6 && p[5] == "instant_group_calls") {
    return ParsedPath{Shape::collection, p[1], p[3], {}};
  }
  if (p.size() == 6 && p[5] == "instant_group_calls_active") {
    return ParsedPath{Shape::active, p[1], p[3], {}};
  }
  if (p.size() == 7 && p[5] == "instant_group_calls") {
    return ParsedPath{Shape::instance, p[1], p[3], p[6]};
  }
  return std::nullopt;
}

}  // namespace

ApioApi::ApioApi(Engine& engine, ApiKeys keys, HttpMetrics& metrics, ApioSettings settings,
                 RandomDigit random_digit)
    : engine_(engine),
      keys_(std::move(keys)),
      metrics_(metrics),
      settings_(std::move(settings)),
      random_digit_(std::move(random_digit)) {}

HttpResponse ApioApi::refuse(http::status status, const std::string& message,
                             std::string_view sent_request_id) {
  HttpResponse refusal;
  HttpRequest none;
  Exchange x(
      none, [&refusal](HttpResponse r) { refusal = std::move(r); },
      request_id_for(sent_request_id, keys_), metrics_);
  x.fail(status, status_name(status), message);
  return refusal;
}

void ApioApi::handle(HttpRequest request, HttpResponder respond) {
  Exchange x(request, std::move(respond), request_id_for(request, keys_), metrics_);
  try {
    dispatch(x);
  } catch (const std::exception& e) {
    spdlog::error("apio {} {}: {}", x.request_id, std::string(x.label), e.what());
    if (!x.answered)
      x.fail(http::status::internal_server_error, "INTERNAL_ERROR", "internal error");
  }
}

void ApioApi::dispatch(Exchange& x) {
  std::string_view target(x.request.target().data(), x.request.target().size());
  const auto question = target.find('?');
  const auto query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  auto path = parse_path(target.substr(0, question));
  // The path is the caller's raw input, a key perhaps: it is not repeated.
  if (!path) {
    return x.fail(http::status::not_found, "PATH_NOT_FOUND",
                  "no such path; instant group calls are at /api/v1/tenants/{tenant_id}/groups/"
                  "{group_id}/services/instant_group_calls/ and instant_group_calls_active/");
  }
  const Endpoint* endpoint = nullptr;
  for (const Endpoint& e : endpoints) {
    if (e.shape == path->shape) x.label = e.label;
    if (e.shape == path->shape && e.method == x.request.method()) endpoint = &e;
  }
  if (!endpoint) {
    x.allow = allowed[static_cast<int>(path->shape)];
    return x.fail(
        http::status::method_not_allowed, "METHOD_NOT_ALLOWED",
        method_name(x.request) + " is not allowed here; allowed: " + std::string(x.allow));
  }
  auto authorization = x.request[http::field::authorization];
  auto customer =
      keys_.customer_for(std::string_view(authorization.data(), authorization.size()), query);
  if (!customer) {
    return x.fail(http::status::unauthorized, "UNAUTHORIZED",
                  "a valid API key is required (Authorization: Bearer, token= or accesskey=)");
  }
  x.customer = *customer;
  if (endpoint->method == http::verb::post || endpoint->method == http::verb::put) {
    auto type = x.request[http::field::content_type];
    if (!is_json(std::string_view(type.data(), type.size()))) {
      return x.fail(http::status::unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE",
                    "Content-Type must be application/json");
    }
  }
  struct Segment {
    std::string_view text;
    const char* field;
    std::size_t max_bytes;
    std::string* out;
  };
  for (const Segment& s : {Segment{path->tenant, "tenant_id", limits::placement_id, &x.tenant_id},
                           Segment{path->group, "group_id", limits::placement_id, &x.group_id}}) {
    auto decoded = decode_segment(s.text);
    Status valid = decoded ? check_path_id(*decoded, s.field, s.max_bytes)
                           : Status(Error::invalid(s.field, "has a broken percent escape"));
    if (!valid) return x.fail(valid.error());
    *s.out = std::move(*decoded);
  }
  x.label = endpoint->label;
  if (path->shape == Shape::instance) {
    auto decoded = decode_segment(path->service);
    // No stored service can have an id that breaks the rules: such a path names none.
    if (!decoded || !check_path_id(*decoded, "service_user_id", limits::service_user_id)) {
      return x.fail(http::status::not_found, "INSTANT_GROUP_CALL_NOT_FOUND",
                    "no instant group call with this serviceUserId in this group");
    }
    x.service_user_id = std::move(*decoded);
  }
  spdlog::debug("apio {} {} {}", x.request_id, method_name(x.request), std::string(x.label));
  (this->*endpoint->handler)(x);
}

ServiceUserIdContext ApioApi::context_of(const InstantGroupCall& s) const {
  return {s.tenant_id, s.group_id, settings_.domain, s.phone_number};
}

std::optional<InstantGroupCall> ApioApi::stored(Exchange& x) {
  auto service = engine_.instant_group_call(x.customer, x.tenant_id, x.group_id, x.service_user_id);
  if (!service) x.missing_service();
  return service;
}

Result<std::string> ApioApi::generated_id(const InstantGroupCall& service) const {
  return settings_.suid_instant_group_call_rule.render(context_of(service), random_digit_);
}

std::optional<std::string> ApioApi::renamed_id(const InstantGroupCall& before,
                                               const InstantGroupCall& after) const {
  const ServiceUserIdRule& rule = settings_.suid_instant_group_call_rule;
  if (!settings_.service_users_update_id_phone_number || !rule.uses_phone_number()) return {};
  if (before.phone_number == after.phone_number) return {};
  return rule.renamed(before.service_user_id, context_of(before), context_of(after));
}

void ApioApi::list(Exchange& x) {
  auto services = engine_.instant_group_calls(x.customer, x.tenant_id, x.group_id);
  if (services.empty()) return x.missing_group();
  x.send(http::status::ok, to_apio_list_json(services));
}

void ApioApi::get(Exchange& x) {
  auto service = stored(x);
  if (!service) return;
  x.send(http::status::ok,
         to_apio_json(*service, {false, settings_.service_users_return_active_status}));
}

void ApioApi::create(Exchange& x) {
  auto decoded = instant_group_call_from_apio_json(x.request.body());
  if (!decoded) return x.fail(decoded.error());
  InstantGroupCall service = std::move(decoded).value();
  service.id = Uuid();
  service.customer_id = x.customer;
  service.tenant_id = x.tenant_id;
  service.group_id = x.group_id;
  const bool generate = service.service_user_id.empty();
  if (generate && !settings_.suid_instant_group_call_auto_generate) {
    return x.fail(Error::invalid("serviceUserId",
                                 "is required (SUID_INSTANT_GROUP_CALL_AUTO_GENERATE is off)"));
  }
  // A generated id that is taken is drawn again when the rule has random digits.
  const int attempts =
      generate && settings_.suid_instant_group_call_rule.uses(ServiceUserIdRule::Part::random)
          ? generation_attempts
          : 1;
  for (int attempt = 1;; ++attempt) {
    if (generate) {
      auto id = generated_id(service);
      if (!id) return x.fail(id.error());
      service.service_user_id = std::move(id).value();
    }
    if (auto valid = validate_instant_group_call(service); !valid) return x.fail(valid.error());
    // The engine keeps serviceUserId and phoneNumber unique within the customer and
    // names the field a conflict is about.
    auto created = engine_.put_instant_group_call(service);
    const bool id_taken = !created && created.error().code == ErrorCode::conflict &&
                          created.error().field == "serviceUserId";
    if (id_taken && generate && attempt < attempts) continue;
    if (!created) return x.fail(created.error());
    return x.send(http::status::ok,
                  to_apio_json(*created, {true, settings_.service_users_return_active_status}));
  }
}

// Changes only what the body names; the rest stays as stored.
void ApioApi::update(Exchange& x) {
  auto before = stored(x);
  if (!before) return;
  auto decoded = instant_group_call_from_apio_json(x.request.body(), *before);
  if (!decoded) return x.fail(decoded.error());
  InstantGroupCall service = std::move(decoded).value();
  if (service.service_user_id.empty()) service.service_user_id = before->service_user_id;
  if (service.service_user_id == before->service_user_id) {
    if (auto renamed = renamed_id(*before, service)) service.service_user_id = std::move(*renamed);
  }
  if (auto valid = validate_instant_group_call(service); !valid) return x.fail(valid.error());
  auto updated = engine_.put_instant_group_call(service);
  if (!updated && updated.error().code == ErrorCode::not_found) return x.missing_service();
  if (!updated) return x.fail(updated.error());
  // A renamed service's answer says its new id, as a POST's does.
  const bool renamed = updated->service_user_id != before->service_user_id;
  x.send(http::status::ok,
         to_apio_json(*updated, {renamed, settings_.service_users_return_active_status}));
}

void ApioApi::remove(Exchange& x) {
  auto service = stored(x);
  if (!service) return;
  auto removed = engine_.remove_instant_group_call(x.customer, service->id);
  if (!removed && removed.error().code == ErrorCode::not_found) return x.missing_service();
  if (!removed) return x.fail(removed.error());
  x.send(http::status::ok, std::string());  // the document's answer: 200 and no body
}

// All or none: an unknown serviceUserId changes nothing.
void ApioApi::set_active(Exchange& x) {
  auto changes = active_changes_from_apio_json(x.request.body());
  if (!changes) return x.fail(changes.error());
  auto services = engine_.instant_group_calls(x.customer, x.tenant_id, x.group_id);
  if (services.empty()) return x.missing_group();
  for (std::size_t i = 0; i < changes->size(); ++i) {
    const std::string& id = (*changes)[i].first;
    const bool known =
        std::any_of(services.begin(), services.end(),
                    [&](const InstantGroupCall& s) { return s.service_user_id == id; });
    if (!known) {
      const std::string field = "services[" + std::to_string(i) + "].serviceUserId";
      return x.fail(http::status::not_found, "INSTANT_GROUP_CALL_NOT_FOUND",
                    field + ": no such instant group call in this group", field);
    }
  }
  auto set = engine_.set_instant_group_calls_active(x.customer, x.tenant_id, x.group_id, *changes);
  if (!set) return x.fail(set.error());
  x.send(http::status::ok, "{}");
}

}  // namespace chorus::apio
