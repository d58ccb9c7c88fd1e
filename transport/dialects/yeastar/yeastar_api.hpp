#pragma once
// Chorus's Yeastar P-Series dialect: the ring-group endpoints of Yeastar's OpenAPI
// under /openapi/v1.0/ringgroup/ (query, list, get, create, update, delete), over the
// engine, in Yeastar's envelope {"errcode","errmsg","data"}. The access_token query
// parameter is a Chorus API key and a ring group belongs to its customer; another
// customer's group is answered exactly as an unknown id.
//
// Every answer is HTTP 200, as Yeastar's are: the errcode says what happened
// (yeastar_errors.hpp). Every answer carries an X-Request-Id, like the REST API's,
// and is counted in /metrics under its endpoint. Requests reach this handler whole,
// within the HTTP server's URI, header and body limits (chorusd's PrefixRouter sends
// /openapi/ here); refusals of requests that could not be read are the server's.

#include <string_view>

#include "actors/engine.hpp"
#include "transport/api_keys.hpp"
#include "transport/http_metrics.hpp"
#include "transport/http_server.hpp"

namespace chorus::yeastar {

class YeastarApi final : public HttpHandler {
 public:
  YeastarApi(Engine& engine, ApiKeys keys, HttpMetrics& metrics);

  void handle(HttpRequest request, HttpResponder respond) override;
  HttpResponse refuse(boost::beast::http::status status, const std::string& message,
                      std::string_view sent_request_id) override;

  struct Exchange;
  struct Endpoint;

 private:
  static const Endpoint endpoints[];
  void dispatch(Exchange& x);
  void query(Exchange& x);
  void list(Exchange& x);
  void get(Exchange& x);
  void create(Exchange& x);
  void update(Exchange& x);
  void remove(Exchange& x);

  Engine& engine_;
  ApiKeys keys_;
  HttpMetrics& metrics_;
};

}  // namespace chorus::yeastar
