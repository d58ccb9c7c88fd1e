#include "transport/rest_api.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/beast/http.hpp>

#include "model/json.hpp"
#include "model/uuid.hpp"
#include "transport/dashboard_page.hpp"
#include "transport/error_meanings.hpp"
#include "transport/error_names.hpp"
#include "transport/json_media_type.hpp"
#include "transport/request_id.hpp"
#include "transport/rest_exchange.hpp"
#include "transport/rest_json.hpp"

namespace chorus {

namespace http = boost::beast::http;

namespace {

constexpr std::size_t max_page_size = 100;

// The resource a not_found error names: Error::not_found writes "<resource> not found".
std::optional<std::string_view> missing_resource(std::string_view message) {
  constexpr std::string_view suffix = " not found";
  if (message.size() <= suffix.size() || message.substr(message.size() - suffix.size()) != suffix) {
    return std::nullopt;
  }
  auto resource = message.substr(0, message.size() - suffix.size());
  bool a_name = std::all_of(resource.begin(), resource.end(),
                            [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  return a_name ? std::optional<std::string_view>(resource) : std::nullopt;
}

// The reason an engine error answers: the code's, or a narrower one where the message's
// source makes it certain (a missing resource's name; the store, whose every error
// starts "store: ").
std::string reason_of(const Error& error) {
  if (error.code == ErrorCode::not_found) {
    if (auto resource = missing_resource(error.message)) {
      return upper_snake(*resource) + "_NOT_FOUND";
    }
  }
  if (error.code == ErrorCode::unavailable && error.message.rfind("store: ", 0) == 0) {
    return "STORE_UNAVAILABLE";
  }
  return std::string(meaning_of(error.code).reason);
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return parts;
}

// The reason of an answer to a request that could not be read, or was not.
std::string_view refusal_reason(http::status status) {
  struct Refusal {
    http::status status;
    std::string_view reason;
  };
  static constexpr Refusal reasons[] = {
      {http::status::bad_request, "MALFORMED_REQUEST"},
      {http::status::payload_too_large, "PAYLOAD_TOO_LARGE"},
      {http::status::uri_too_long, "URI_TOO_LONG"},
      {http::status::request_header_fields_too_large, "REQUEST_HEADER_FIELDS_TOO_LARGE"},
      {http::status::service_unavailable, "TOO_MANY_CONNECTIONS"},
  };
  for (auto& r : reasons) {
    if (r.status == status) return r.reason;
  }
  return "BAD_REQUEST";
}

// A request's path as it may appear in an error message or a log line: without the query
// (it may hold the API key), and only when it is short printable ASCII (anything else could
// be invalid UTF-8, or bulk); otherwise nothing.
std::string_view quotable_path(std::string_view target) {
  constexpr std::size_t longest = 100;
  auto path = target.substr(0, target.find('?'));
  bool printable =
      std::all_of(path.begin(), path.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  return printable && path.size() <= longest ? path : std::string_view{};
}

}  // namespace

void RestApi::Exchange::send(http::status status, std::string body, std::string_view content_type) {
  HttpResponse response{status, request.version()};
  response.set(http::field::server, "chorusd");
  response.set(http::field::content_type, content_type);
  response.set("X-Request-Id", request_id);
  if (!allow.empty()) response.set(http::field::allow, allow);
  response.body() = std::move(body);
  metrics->record(route.empty() ? "unmatched" : route, static_cast<unsigned>(status),
                  std::chrono::steady_clock::now() - started);
  respond(std::move(response));
}

void RestApi::Exchange::fail(http::status status, std::string_view reason, std::string_view message,
                             std::string_view field) {
  spdlog::debug("http {} answered {} {}: {}", request_id, static_cast<unsigned>(status), reason,
                message);
  auto name = status_name(status);
  send(status, error_json(ErrorEnvelope{name, reason, message, field, request_id}));
}

void RestApi::Exchange::fail(const Error& error) {
  if (error.code == ErrorCode::elsewhere) {
    // Another node runs the resource: a forwarded request stays unanswered here
    // (that node answers it); one of our own clients' goes to that node.
    if (forwarded_for) return not_here();
    if (remote) return forward();
  }
  fail(meaning_of(error.code).status, reason_of(error), error.message, error.field);
}

void RestApi::Exchange::forward() {
  // The node that answers names this request as this node already has: one id in
  // the answer's header, its error body and both nodes' logs.
  request.set("X-Request-Id", request_id);
  remote->forward(customer, request,
                  [self = shared_from_this()](std::optional<ForwardedAnswer> answer) {
                    if (!answer) {
                      return self->fail(http::status::service_unavailable, "OWNER_UNREACHABLE",
                                        "no node of the cluster answered for this live resource");
                    }
                    self->send(static_cast<http::status>(answer->status), std::move(answer->body));
                  });
}

RestApi::RestApi(Engine& engine, ApiKeys keys, HttpMetrics& metrics)
    : engine_(engine), keys_(std::move(keys)), metrics_(metrics) {}

HttpResponse RestApi::refuse(http::status status, const std::string& message,
                             std::string_view sent_request_id) {
  // Answered through an exchange of its own, so that a refusal is built as every other
  // error answer is.
  HttpResponse refusal;
  Exchange x;
  x.started = std::chrono::steady_clock::now();
  x.request_id = request_id_for(sent_request_id, keys_);
  x.metrics = &metrics_;
  x.respond = [&refusal](HttpResponse r) { refusal = std::move(r); };
  x.fail(status, refusal_reason(status), message);
  return refusal;
}

void RestApi::handle_forwarded(const Uuid& customer_id, HttpRequest request, HttpResponder respond,
                               std::function<void()> not_here) {
  auto x = std::make_shared<Exchange>();
  x->forwarded_for = customer_id;
  x->not_here = std::move(not_here);
  start(x, std::move(request), std::move(respond));
}

void RestApi::handle(HttpRequest request, HttpResponder respond) {
  auto x = std::make_shared<Exchange>();
  x->remote = remote_;
  start(x, std::move(request), std::move(respond));
}

void RestApi::start(const ExchangePtr& x, HttpRequest request, HttpResponder respond) {
  x->started = std::chrono::steady_clock::now();
  x->request = std::move(request);
  x->respond = std::move(respond);
  x->metrics = &metrics_;
  x->request_id = request_id_for(x->request, keys_);
  std::string_view target(x->request.target().data(), x->request.target().size());
  auto question = target.find('?');
  x->query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  x->path = split_path(target.substr(0, question));
  spdlog::debug("http {} {} {}", x->request_id, std::string(x->request.method_string()),
                std::string(quotable_path(target)));
  try {
    dispatch(x);
  } catch (const std::exception& e) {
    spdlog::error("http {} {}: {}", x->request_id, std::string(quotable_path(target)), e.what());
    x->fail(http::status::internal_server_error, internal_error.reason, "internal error");
  }
}

struct RestApi::Route {
  std::string_view resource;
  Shape shape;
  std::string_view allow;  // the methods it answers, for 405's Allow header
  std::string_view label;  // the route in metrics
  Handler handler;
  std::string_view action = {};  // an action route's last segment: "hangup"
};

// clang-format off
const RestApi::Route RestApi::routes[] = {
    {"groupcalls", Shape::collection, "GET, POST", "/v1.0/groupcalls", &RestApi::groupcalls},
    {"groupcalls", Shape::item, "GET, DELETE", "/v1.0/groupcalls/{id}", &RestApi::groupcalls},
    {"groupcalls", Shape::action, "POST", "/v1.0/groupcalls/{id}/hangup", &RestApi::groupcalls,
     "hangup"},
    {"calls", Shape::collection, "GET, POST", "/v1.0/calls", &RestApi::calls},
    {"calls", Shape::item, "GET, DELETE", "/v1.0/calls/{id}", &RestApi::calls},
    {"calls", Shape::action, "POST", "/v1.0/calls/{id}/hangup", &RestApi::calls, "hangup"},
    {"conferences", Shape::collection, "GET, POST", "/v1.0/conferences", &RestApi::conferences},
    {"conferences", Shape::item, "GET, PUT, DELETE", "/v1.0/conferences/{id}", &RestApi::conferences},
    {"conferencecalls", Shape::collection, "GET, POST", "/v1.0/conferencecalls",
     &RestApi::conferencecalls},
    {"conferencecalls", Shape::item, "GET, DELETE", "/v1.0/conferencecalls/{id}",
     &RestApi::conferencecalls},
    {"agents", Shape::collection, "GET, POST", "/v1.0/agents", &RestApi::agents},
    {"agents", Shape::item, "GET, PUT, DELETE", "/v1.0/agents/{id}", &RestApi::agents},
    {"extensions", Shape::collection, "GET, POST", "/v1.0/extensions", &RestApi::extensions},
    {"extensions", Shape::item, "GET, PUT, DELETE", "/v1.0/extensions/{id}", &RestApi::extensions},
    // Extensions of VoIPbin's API, for ring groups: extension groups (CRUD like
    // agents) and an extension's missed ring-group calls (paged).
    {"extensions", Shape::action, "GET", "/v1.0/extensions/{id}/missed_calls",
     &RestApi::missed_calls, "missed_calls"},
    {"extension_groups", Shape::collection, "GET, POST", "/v1.0/extension_groups",
     &RestApi::extension_groups},
    {"extension_groups", Shape::item, "GET, PUT, DELETE", "/v1.0/extension_groups/{id}",
     &RestApi::extension_groups},
    // Who the key acts for: {"id":"<customer uuid>"} (the dashboard needs it for topics).
    {"customer", Shape::collection, "GET", "/v1.0/customer", &RestApi::customer},
};
// clang-format on

const RestApi::Route* RestApi::find_route(const std::vector<std::string_view>& path) {
  if (path.size() < 2 || path.size() > 4 || path[0] != "v1.0") return nullptr;
  auto shape = path.size() == 2   ? Shape::collection
               : path.size() == 3 ? Shape::item
                                  : Shape::action;
  auto action = shape == Shape::action ? path[3] : std::string_view{};
  for (auto& r : routes) {
    if (r.resource == path[1] && r.shape == shape && r.action == action) return &r;
  }
  return nullptr;
}

namespace {

using Shape = RestApi::Shape;
using Route = RestApi::Route;

bool allows(const Route& r, http::verb method) {
  auto name = http::to_string(method);
  auto allow = r.allow;
  while (!allow.empty()) {
    auto comma = allow.find(',');
    auto m = allow.substr(0, comma);
    if (m == std::string_view(name.data(), name.size())) return true;
    if (comma == std::string_view::npos) break;
    allow.remove_prefix(comma + 2);
  }
  return false;
}

// The tokens Chorus hands out ("2020-04-18 03:22:17.995000"), or VoIPbin's
// current form of the same instant ("2020-04-18T03:22:17.995000Z").
std::optional<Timestamp> page_token_time(std::string_view token) {
  constexpr std::size_t rfc3339_size = Timestamp::text_size + 1;
  if (token.size() == rfc3339_size && token[10] == 'T' && token.back() == 'Z') {
    std::string text(token.substr(0, Timestamp::text_size));
    text[10] = ' ';
    return Timestamp::parse(text);
  }
  return Timestamp::parse(token);
}

}  // namespace

Result<Page> page_of(std::string_view query) {
  Page page;
  if (auto size = query_parameter(query, "page_size")) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), value);
    if (ec != std::errc() || end != size->data() + size->size() || value < 1 ||
        value > max_page_size) {
      return Error::invalid("page_size", "must be a whole number from 1 to 100");
    }
    page.size = value;
  }
  if (auto token = query_parameter(query, "page_token"); token && !token->empty()) {
    auto t = page_token_time(*token);
    if (!t) {
      return Error::invalid("page_token",
                            "must be a timestamp YYYY-MM-DD HH:MM:SS.ffffff or "
                            "YYYY-MM-DDTHH:MM:SS.ffffffZ");
    }
    page.before = *t;
  }
  return page;
}

void RestApi::dispatch(const std::shared_ptr<Exchange>& x) {
  auto method = x->request.method();
  auto& path = x->path;
  if (path.empty()) {
    x->route = "/";
    if (method != http::verb::get) return method_not_allowed(x, "GET");
    return x->send(http::status::ok, std::string(dashboard_page()), "text/html; charset=utf-8");
  }
  if (path.size() == 1 && (path[0] == "health" || path[0] == "metrics")) {
    x->route = path[0] == "health" ? "/health" : "/metrics";
    if (method != http::verb::get) return method_not_allowed(x, "GET");
    if (path[0] == "health") return health(x);
    return x->send(http::status::ok, metrics_.render(engine_.stats()),
                   "text/plain; version=0.0.4; charset=utf-8");
  }
  auto* route = find_route(path);
  if (!route) {
    // The path is the caller's raw input and may hold anything, a key included: it is
    // not repeated (the fuzzer put one in a path and found it in the answer).
    return x->fail(http::status::not_found, "PATH_NOT_FOUND", "no such path");
  }
  x->route = route->label;
  if (!allows(*route, method)) return method_not_allowed(x, route->allow);
  auto authorization = x->request[http::field::authorization];
  // A forwarded request was authenticated by the node its client reached.
  auto customer = x->forwarded_for
                      ? x->forwarded_for
                      : keys_.customer_for(
                            std::string_view(authorization.data(), authorization.size()), x->query);
  if (!customer) {
    return x->fail(http::status::unauthorized, "UNAUTHORIZED",
                   "a valid API key is required (Authorization: Bearer, token= or accesskey=)");
  }
  x->customer = *customer;
  bool has_body = method == http::verb::post || method == http::verb::put;
  if (has_body && route->shape != Shape::action) {
    auto type = x->request[http::field::content_type];
    if (!is_json(std::string_view(type.data(), type.size()))) {
      return x->fail(http::status::unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE",
                     "Content-Type must be application/json");
    }
  }
  std::optional<Uuid> id;
  if (route->shape != Shape::collection) {
    id = Uuid::parse(path[2]);
    if (!id) return x->fail(Error::invalid("id", "must be a UUID"));
  }
  (this->*route->handler)(x, route->shape, id);
}

void RestApi::customer(const ExchangePtr& x, Shape, std::optional<Uuid>) {
  x->send(http::status::ok, R"({"id":")" + x->customer.to_string() + R"("})");
}

// 200 while chorusd can do its work; 503 naming the cause while its store cannot
// be written (reads and live calls go on; writes are refused).
void RestApi::add_health(std::string name, HealthCheck check) {
  health_checks_.emplace_back(std::move(name), std::move(check));
}

void RestApi::health(const ExchangePtr& x) {
  auto fault = engine_.store_fault();
  std::vector<HealthPart> parts;
  bool failing = fault.has_value();
  for (const auto& [name, check] : health_checks_) {
    parts.push_back({name, check()});
    failing = failing || parts.back().fault.has_value();
  }
  x->send(failing ? http::status::service_unavailable : http::status::ok,
          health_json(fault, parts));
}

void RestApi::method_not_allowed(const std::shared_ptr<Exchange>& x, std::string_view allow) {
  // Only a method Beast knows is named back: any other token is client input of any length.
  auto method = x->request.method() == http::verb::unknown
                    ? std::string("this method")
                    : std::string(http::to_string(x->request.method()));
  x->allow = allow;
  x->fail(http::status::method_not_allowed, "METHOD_NOT_ALLOWED",
          method + " is not allowed here; allowed: " + std::string(allow));
}

void RestApi::groupcalls(const std::shared_ptr<Exchange>& x, Shape shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  if (shape == Shape::collection && method == http::verb::post) {
    auto request = groupcall_request_from_json(x->request.body(), x->customer);
    if (!request) return x->fail(request.error());
    // Answered once the creation is committed, from the store's thread.
    return engine_.create_groupcall(*request,
                                    [x](Result<Groupcall> created) { x->answer(created); });
  }
  if (shape == Shape::collection) {
    auto page = page_of(x->query);
    if (!page) return x->fail(page.error());
    return x->answer_page(engine_.groupcalls(x->customer, page->size, page->before));
  }
  if (shape == Shape::item && method == http::verb::get) {
    return x->answer(engine_.groupcall(x->customer, *id));
  }
  auto reply = [x](Result<Groupcall> result) { x->answer(result); };
  if (shape == Shape::item) return engine_.delete_groupcall(x->customer, *id, reply);
  engine_.hangup_groupcall(x->customer, *id, reply);
}

void RestApi::calls(const std::shared_ptr<Exchange>& x, Shape shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  if (shape == Shape::collection && method == http::verb::post) {
    auto request = calls_request_from_json(x->request.body(), x->customer);
    if (!request) return x->fail(request.error());
    return engine_.create_calls(*request, [x](Result<CallsCreated> created) {
      if (!created) return x->fail(created.error());
      x->send(http::status::ok, calls_created_json(*created));
    });
  }
  if (shape == Shape::collection) {
    auto page = page_of(x->query);
    if (!page) return x->fail(page.error());
    return x->answer_page(engine_.calls(x->customer, page->size, page->before));
  }
  if (shape == Shape::item && method == http::verb::get) {
    return x->answer(engine_.call(x->customer, *id));
  }
  auto reply = [x](Result<chorus::Call> result) { x->answer(result); };
  if (shape == Shape::item) return engine_.delete_call(x->customer, *id, reply);
  engine_.hangup_call(x->customer, *id, reply);
}

void RestApi::agents(const std::shared_ptr<Exchange>& x, Shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  if (!id) {
    if (method == http::verb::get)
      return x->send(http::status::ok, list_json(engine_.agents(x->customer)));
    auto agent = agent_from_request(x->request.body(), x->customer);
    if (!agent) return x->fail(agent.error());
    agent->id = Uuid();
    return x->answer(engine_.put_agent(std::move(agent).value()));
  }
  if (method == http::verb::get) {
    auto agent = engine_.agent(x->customer, *id);
    if (!agent) return x->fail(Error::not_found("agent"));
    return x->send(http::status::ok, to_json(*agent));
  }
  if (method == http::verb::delete_) return x->answer(engine_.remove_agent(x->customer, *id));
  if (!engine_.agent(x->customer, *id)) return x->fail(Error::not_found("agent"));
  auto agent = agent_from_request(x->request.body(), x->customer);
  if (!agent) return x->fail(agent.error());
  agent->id = *id;
  x->answer(engine_.put_agent(std::move(agent).value()));
}

void RestApi::extensions(const std::shared_ptr<Exchange>& x, Shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  if (!id) {
    if (method == http::verb::get) {
      return x->send(http::status::ok, list_json(engine_.extensions(x->customer)));
    }
    auto extension = extension_from_request(x->request.body(), x->customer);
    if (!extension) return x->fail(extension.error());
    extension->id = Uuid();
    return x->answer(engine_.put_extension(std::move(extension).value()));
  }
  if (method == http::verb::get) {
    auto extension = engine_.extension(x->customer, *id);
    if (!extension) return x->fail(Error::not_found("extension"));
    return x->send(http::status::ok, to_json(*extension));
  }
  if (method == http::verb::delete_) return x->answer(engine_.remove_extension(x->customer, *id));
  if (!engine_.extension(x->customer, *id)) return x->fail(Error::not_found("extension"));
  auto extension = extension_from_request(x->request.body(), x->customer);
  if (!extension) return x->fail(extension.error());
  extension->id = *id;
  x->answer(engine_.put_extension(std::move(extension).value()));
}

void RestApi::extension_groups(const ExchangePtr& x, Shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  if (!id) {
    if (method == http::verb::get) {
      return x->send(http::status::ok, list_json(engine_.extension_groups(x->customer)));
    }
    auto group = extension_group_from_request(x->request.body(), x->customer);
    if (!group) return x->fail(group.error());
    group->id = Uuid();
    return x->answer(engine_.put_extension_group(std::move(group).value()));
  }
  if (method == http::verb::get) {
    auto group = engine_.extension_group(x->customer, *id);
    if (!group) return x->fail(Error::not_found("extension_group"));
    return x->send(http::status::ok, to_json(*group));
  }
  if (!engine_.extension_group(x->customer, *id)) {
    return x->fail(Error::not_found("extension_group"));
  }
  if (method == http::verb::delete_) {
    return x->answer(engine_.remove_extension_group(x->customer, *id));
  }
  auto group = extension_group_from_request(x->request.body(), x->customer);
  if (!group) return x->fail(group.error());
  group->id = *id;
  x->answer(engine_.put_extension_group(std::move(group).value()));
}

// GET /v1.0/extensions/{id}/missed_calls: newest first, paged like every list; an
// extension of another customer is as unknown as a missing one (404).
void RestApi::missed_calls(const ExchangePtr& x, Shape, std::optional<Uuid> id) {
  if (!engine_.extension(x->customer, *id)) return x->fail(Error::not_found("extension"));
  auto page = page_of(x->query);
  if (!page) return x->fail(page.error());
  x->answer_page(engine_.missed_calls(x->customer, *id, page->size, page->before));
}

}  // namespace chorus
