#include "rest_requests.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace chorus::bench {
namespace {

namespace http = boost::beast::http;

std::string groupcall_body(std::size_t destinations) {
  std::string body = R"({"source":{"type":"tel","target":"+15550100"},"destinations":[)"
                     R"({"type":"endpoint","target":"w@sim;answer=1;hangup=1"})";
  for (std::size_t i = 1; i < destinations; ++i) {
    body += R"(,{"type":"endpoint","target":"l@sim"})";
  }
  return body + R"(],"ring_method":"ring_all"})";
}

HttpRequest json_request(http::verb verb, const std::string& target, const std::string& host,
                         unsigned short port, const std::string& key, std::string body) {
  HttpRequest request{verb, target, 11};
  request.set(http::field::host, host + ":" + std::to_string(port));
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer " + key);
  request.keep_alive(true);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

}  // namespace

HttpRequest groupcall_request(const std::string& host, unsigned short port, const std::string& key,
                              std::size_t destinations) {
  return json_request(http::verb::post, "/v1.0/groupcalls", host, port, key,
                      groupcall_body(destinations));
}

HttpRequest conference_update_request(const std::string& host, unsigned short port,
                                      const std::string& key, const std::string& conference_id) {
  return json_request(http::verb::put, "/v1.0/conferences/" + conference_id, host, port, key,
                      R"({"detail":"bench"})");
}

}  // namespace chorus::bench
