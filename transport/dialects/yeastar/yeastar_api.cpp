#include "transport/dialects/yeastar/yeastar_api.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/beast/http.hpp>

#include "model/ring_group_json.hpp"
#include "transport/dialects/yeastar/yeastar_envelope.hpp"
#include "transport/dialects/yeastar/yeastar_errors.hpp"
#include "transport/dialects/yeastar/yeastar_params.hpp"
#include "transport/json_media_type.hpp"
#include "transport/request_id.hpp"

namespace chorus::yeastar {

namespace http = boost::beast::http;

// One request on its way through the dialect; every answer leaves through send().
struct YeastarApi::Exchange {
  const HttpRequest& request;
  HttpResponder respond;
  std::chrono::steady_clock::time_point started;
  std::string request_id;
  HttpMetrics& metrics;
  std::string_view label = "/openapi/{unknown}";  // the endpoint, in metrics
  std::string_view query{};
  Uuid customer{};
  bool answered = false;

  void send(std::string body) {
    HttpResponse response{http::status::ok, request.version()};
    response.set(http::field::server, "chorusd");
    response.set(http::field::content_type, "application/json");
    response.set("X-Request-Id", request_id);
    response.body() = std::move(body);
    metrics.record(label, static_cast<unsigned>(http::status::ok),
                   std::chrono::steady_clock::now() - started);
    answered = true;
    respond(std::move(response));
  }
  // `failure.errmsg` never holds request bytes beyond what a codec checked and names.
  void fail(const Failure& failure) {
    spdlog::debug("yeastar {} answered {} {}: {}", request_id, static_cast<int>(failure.errcode),
                  name_of(failure.errcode), failure.errmsg);
    send(failure_json(failure));
  }
  void fail(const Error& error) { fail(failure_of(error)); }
};

struct YeastarApi::Endpoint {
  std::string_view action;  // the last path segment
  http::verb method;
  std::string_view label;
  void (YeastarApi::*handler)(Exchange& x);
};

// clang-format off
const YeastarApi::Endpoint YeastarApi::endpoints[] = {
    {"query", http::verb::get, "/openapi/v1.0/ringgroup/query", &YeastarApi::query},
    {"list", http::verb::get, "/openapi/v1.0/ringgroup/list", &YeastarApi::list},
    {"get", http::verb::get, "/openapi/v1.0/ringgroup/get", &YeastarApi::get},
    {"create", http::verb::post, "/openapi/v1.0/ringgroup/create", &YeastarApi::create},
    {"update", http::verb::post, "/openapi/v1.0/ringgroup/update", &YeastarApi::update},
    {"delete", http::verb::post, "/openapi/v1.0/ringgroup/delete", &YeastarApi::remove},
};
// clang-format on

namespace {

constexpr std::string_view ringgroup_path = "/openapi/v1.0/ringgroup/";

Failure missing_group(std::int32_t id) {
  return {Errcode::not_found, "ring group " + std::to_string(id) + " does not exist"};
}

// A method as an errmsg may name it: only one Beast knows, never the client's token.
std::string method_name(const HttpRequest& request) {
  if (request.method() == http::verb::unknown) return "this method";
  return std::string(http::to_string(request.method()));
}

}  // namespace

YeastarApi::YeastarApi(Engine& engine, ApiKeys keys, HttpMetrics& metrics)
    : engine_(engine), keys_(std::move(keys)), metrics_(metrics) {}

HttpResponse YeastarApi::refuse(http::status status, const std::string& message,
                                std::string_view sent_request_id) {
  const Errcode errcode =
      status == http::status::service_unavailable ? Errcode::unavailable : Errcode::malformed_body;
  HttpResponse response{status, 11};
  response.set(http::field::server, "chorusd");
  response.set(http::field::content_type, "application/json");
  response.set("X-Request-Id", request_id_for(sent_request_id, keys_));
  response.body() = failure_json({errcode, message});
  return response;
}

void YeastarApi::handle(HttpRequest request, HttpResponder respond) {
  Exchange x{request, std::move(respond), std::chrono::steady_clock::now(),
             request_id_for(request, keys_), metrics_};
  try {
    dispatch(x);
  } catch (const std::exception& e) {
    spdlog::error("yeastar {} {}: {}", x.request_id, std::string(x.label), e.what());
    if (!x.answered) x.fail({Errcode::internal_error, "internal error"});
  }
}

void YeastarApi::dispatch(Exchange& x) {
  std::string_view target(x.request.target().data(), x.request.target().size());
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  x.query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  const Endpoint* endpoint = nullptr;
  if (path.size() > ringgroup_path.size() &&
      path.substr(0, ringgroup_path.size()) == ringgroup_path) {
    const auto action = path.substr(ringgroup_path.size());
    for (const Endpoint& e : endpoints) {
      if (e.action == action) endpoint = &e;
    }
  }
  // The path is the caller's raw input, a key perhaps: it is not repeated.
  if (!endpoint) {
    return x.fail({Errcode::no_such_api,
                   "no such API; ring groups are at /openapi/v1.0/ringgroup/ query, list, get, "
                   "create, update and delete"});
  }
  x.label = endpoint->label;
  spdlog::debug("yeastar {} {} {}", x.request_id, method_name(x.request), std::string(x.label));
  if (x.request.method() != endpoint->method) {
    return x.fail(
        {Errcode::method_not_allowed, method_name(x.request) + " is not allowed for ringgroup/" +
                                          std::string(endpoint->action) + "; use " +
                                          std::string(http::to_string(endpoint->method))});
  }
  auto token = query_parameter(x.query, "access_token");
  if (!token || token->empty()) {
    return x.fail({Errcode::access_token_missing, "access_token is required"});
  }
  auto customer = keys_.customer_of(*token);
  if (!customer) return x.fail({Errcode::access_token_invalid, "access_token is not valid"});
  x.customer = *customer;
  if (endpoint->method == http::verb::post) {
    auto type = x.request[http::field::content_type];
    if (!is_json(std::string_view(type.data(), type.size()))) {
      return x.fail({Errcode::malformed_body, "Content-Type must be application/json"});
    }
  }
  (this->*endpoint->handler)(x);
}

void YeastarApi::query(Exchange& x) {
  auto text = query_parameter(x.query, "ids");
  auto ids = parse_ids(text.value_or(std::string()), "ids");
  if (!ids) return x.fail(ids.error());
  std::vector<RingGroup> groups;
  groups.reserve(ids->size());
  for (std::int32_t id : *ids) {
    auto group = engine_.ring_group(x.customer, id);
    if (!group) return x.fail(missing_group(id));
    groups.push_back(std::move(*group));
  }
  x.send(success_json(groups));
}

void YeastarApi::list(Exchange& x) {
  auto page = list_page_of(x.query);
  if (!page) return x.fail(page.error());
  auto groups = engine_.ring_groups(x.customer);
  const std::size_t total = groups.size();
  if (page->page_size) {
    const std::size_t size = *page->page_size;
    const std::size_t first = std::min(total, (page->page - 1) * size);
    const std::size_t last = std::min(total, first + size);
    groups = std::vector<RingGroup>(groups.begin() + first, groups.begin() + last);
  } else if (page->page > 1) {
    groups.clear();  // everything is on page 1
  }
  x.send(list_json(groups, total));
}

void YeastarApi::get(Exchange& x) {
  auto text = query_parameter(x.query, "id");
  if (!text) return x.fail(Error::invalid("id", "is required: the ring group's id"));
  auto id = parse_id(*text, "id");
  if (!id) return x.fail(id.error());
  auto group = engine_.ring_group(x.customer, *id);
  if (!group) return x.fail(missing_group(*id));
  x.send(success_json(*group));
}

void YeastarApi::create(Exchange& x) {
  auto group = ring_group_from_json(x.request.body());
  if (!group) return x.fail(group.error());
  if (group->id != 0) {
    return x.fail(Error::invalid("id", "is assigned by Chorus on create; leave it out"));
  }
  group->customer_id = x.customer;
  auto created = engine_.put_ring_group(std::move(group).value());
  if (!created) return x.fail(created.error());
  x.send(success_json(*created));
}

// Changes only the fields the body names; the rest stay as stored.
void YeastarApi::update(Exchange& x) {
  auto named = ring_group_from_json(x.request.body());
  if (!named) return x.fail(named.error());
  if (named->id == 0) {
    return x.fail(Error::invalid("id", "is required: the id of the ring group to update"));
  }
  auto stored = engine_.ring_group(x.customer, named->id);
  if (!stored) return x.fail(missing_group(named->id));
  auto group = ring_group_from_json(x.request.body(), *stored);
  if (!group) return x.fail(group.error());
  group->customer_id = x.customer;
  const std::int32_t id = group->id;
  auto updated = engine_.put_ring_group(std::move(group).value());
  if (!updated && updated.error().code == ErrorCode::not_found && updated.error().field.empty()) {
    return x.fail(missing_group(id));  // deleted since it was read
  }
  if (!updated) return x.fail(updated.error());
  x.send(success_json(*updated));
}

// The id from the body ({"id":N}) or, without a body, from ?id=N.
void YeastarApi::remove(Exchange& x) {
  const std::string& body = x.request.body();
  const bool has_body = std::any_of(body.begin(), body.end(), [](char c) {
    return !std::isspace(static_cast<unsigned char>(c));
  });
  Result<std::int32_t> id = Error::invalid("id", "is required: {\"id\":N} or ?id=N");
  if (has_body) {
    id = id_from_body(body);
  } else if (auto text = query_parameter(x.query, "id")) {
    id = parse_id(*text, "id");
  }
  if (!id) return x.fail(id.error());
  auto removed = engine_.remove_ring_group(x.customer, *id);
  if (!removed && removed.error().code == ErrorCode::not_found) return x.fail(missing_group(*id));
  if (!removed) return x.fail(removed.error());
  x.send(success_json());
}

}  // namespace chorus::yeastar
