#include "groupcall_request.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace chorus::bench {
namespace {

std::string groupcall_body(std::size_t destinations) {
  std::string body = R"({"source":{"type":"tel","target":"+15550100"},"destinations":[)"
                     R"({"type":"endpoint","target":"w@sim;answer=1;hangup=1"})";
  for (std::size_t i = 1; i < destinations; ++i) {
    body += R"(,{"type":"endpoint","target":"l@sim"})";
  }
  return body + R"(],"ring_method":"ring_all"})";
}

}  // namespace

HttpRequest groupcall_request(const std::string& host, unsigned short port, const std::string& key,
                              std::size_t destinations) {
  namespace http = boost::beast::http;
  HttpRequest request{http::verb::post, "/v1.0/groupcalls", 11};
  request.set(http::field::host, host + ":" + std::to_string(port));
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer " + key);
  request.keep_alive(true);
  request.body() = groupcall_body(destinations);
  request.prepare_payload();
  return request;
}

}  // namespace chorus::bench
