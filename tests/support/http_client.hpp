#pragma once
// The tests' synchronous HTTP/1.1 client (Boost.Beast inside): any method, target,
// header fields and body, on one kept-alive connection to 127.0.0.1 (reopened only
// when the server closed it), every operation bounded by a timeout.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/http_response.hpp"

namespace chorus::test {

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sent with every request (e.g. Authorization), before the request's own.
  Headers default_headers;

  // The answer; throws std::runtime_error when none comes (refused, timed out, cut).
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "", const Headers& headers = {});
  HttpResponse get(const std::string& target, const Headers& headers = {}) {
    return request("GET", target, "", headers);
  }
  HttpResponse del(const std::string& target, const Headers& headers = {}) {
    return request("DELETE", target, "", headers);
  }
  HttpResponse post(const std::string& target, const std::string& body = "",
                    const Headers& headers = {{"Content-Type", "application/json"}}) {
    return request("POST", target, body, headers);
  }
  HttpResponse put(const std::string& target, const std::string& body,
                   const Headers& headers = {{"Content-Type", "application/json"}}) {
    return request("PUT", target, body, headers);
  }

  // Connections opened so far: 1 while keep-alive holds.
  int connections() const;
  void close();

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

// One request on a connection of its own, closed after it, that never throws: on
// failure the answer's status is 0 and its `error` says why (for client threads,
// and for a daemon that may be going away). A body goes as application/json
// unless `headers` name a Content-Type.
HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = "", const Headers& headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace chorus::test
