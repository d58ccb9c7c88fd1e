#pragma once
// One REST request on its way through the router: what it asks, who asks, and how
// it is answered. Private to the REST API's files (rest_api.cpp and the files of
// its resources); every answer, error or not, leaves through send().

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/status.hpp>

#include "model/result.hpp"
#include "model/uuid.hpp"
#include "transport/http_metrics.hpp"
#include "transport/http_server.hpp"
#include "transport/rest_api.hpp"

namespace chorus {

struct RestApi::Exchange : std::enable_shared_from_this<RestApi::Exchange> {
  HttpRequest request;
  HttpResponder respond;
  std::chrono::steady_clock::time_point started;
  std::string request_id;  // in every answer's X-Request-Id, every error body, every log line
  std::string_view route;  // the matched pattern, for metrics: "/v1.0/groupcalls/{id}"
  std::string_view allow;  // a 405's Allow header
  std::vector<std::string_view> path;
  std::string_view query;
  Uuid customer;
  HttpMetrics* metrics = nullptr;
  // Where an operation on a resource another node runs goes (null: a lone node).
  RemoteOperations* remote = nullptr;
  // Set when this exchange is another node's forwarded request: its customer,
  // and what to do when this node does not run the resource either.
  std::optional<Uuid> forwarded_for;
  std::function<void()> not_here;

  void send(boost::beast::http::status status, std::string body,
            std::string_view content_type = "application/json");
  // The one place an error body is built. `message` and `field` never hold request
  // bytes; `field` names the offending field or parameter, "" when there is none.
  void fail(boost::beast::http::status status, std::string_view reason, std::string_view message,
            std::string_view field = {});
  void fail(const Error& error);
  // Has the node that runs the resource answer this request (remote->forward()).
  void forward();
  template <class Resource>
  void answer(const Result<Resource>& result) {
    if (!result) return fail(result.error());
    send(boost::beast::http::status::ok, to_json(*result));
  }
  // A page of a list, or the error that kept the store from reading it.
  template <class Resource>
  void answer_page(const Result<std::vector<Resource>>& page) {
    if (!page) return fail(page.error());
    send(boost::beast::http::status::ok, list_json(*page));
  }
};

// A page of a list: at most `size`, created strictly before `before` when given.
struct Page {
  std::size_t size = 100;
  std::optional<Timestamp> before;
};

// page_size (1..100) and page_token (a tm_create, in Chorus's or VoIPbin's form).
Result<Page> page_of(std::string_view query);

}  // namespace chorus
