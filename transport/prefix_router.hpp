#pragma once
// Sends each request to the handler of the first path prefix it starts with, else to
// a fallback: how chorusd serves more than one API (the REST API v1.0, and a PBX
// dialect under /openapi/) from one HTTP server. Requests the server could not read
// have no trustworthy path, so their refusals are the fallback's.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transport/http_server.hpp"

namespace chorus {

class PrefixRouter final : public HttpHandler {
 public:
  explicit PrefixRouter(HttpHandler& fallback) : fallback_(fallback) {}

  // Set up before serving; `handler` must outlive the router.
  void add(std::string prefix, HttpHandler& handler) {
    routes_.emplace_back(std::move(prefix), &handler);
  }

  void handle(HttpRequest request, HttpResponder respond) override;
  HttpResponse refuse(boost::beast::http::status status, const std::string& message,
                      std::string_view sent_request_id) override;

 private:
  HttpHandler& handler_for(std::string_view target);

  HttpHandler& fallback_;
  std::vector<std::pair<std::string, HttpHandler*>> routes_;
};

}  // namespace chorus
