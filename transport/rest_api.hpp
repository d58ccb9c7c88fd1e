#pragma once
// The REST API v1.0 in VoIPbin's shapes, over the engine: groupcalls, calls,
// conferences, agents, extensions, extension groups and an extension's missed
// calls, plus /health and /metrics. Every request is authenticated to
// a customer, and every resource of another customer answers 404 exactly as a
// missing one does. Bad input gets a 4xx and changes nothing. Every error answer is
// VoIPbin's envelope {"error":{"status","reason","message","request_id"}}, built in
// one place (Exchange::fail), and every answer carries an X-Request-Id header: the
// client's own when it sent a safe one, else a fresh UUID, also named in the log.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/engine.hpp"
#include "transport/api_keys.hpp"
#include "transport/http_metrics.hpp"
#include "transport/http_server.hpp"
#include "transport/remote_operations.hpp"

namespace chorus {

class RestApi final : public HttpHandler {
 public:
  // What a path names: a collection ("/v1.0/calls"), an item ("/v1.0/calls/{id}") or
  // an action on an item ("/v1.0/calls/{id}/hangup").
  enum class Shape { collection, item, action };
  struct Route;

  RestApi(Engine& engine, ApiKeys keys, HttpMetrics& metrics);

  // A part of the node /health reports beside its store (a node of a cluster:
  // "nats"), by its fault (nullopt: fine). Before the server starts.
  using HealthCheck = std::function<std::optional<std::string>()>;
  void add_health(std::string name, HealthCheck check);

  // A node of a cluster: operations on resources another node runs go through
  // `remote` (transport/remote_operations.hpp). Before the server starts.
  void forward_through(RemoteOperations* remote) { remote_ = remote; }
  // Another node's forwarded request for `customer_id` (already authenticated
  // there), answered through `respond`, or through `not_here` when this node does
  // not run the resource either (the node that does answers instead).
  void handle_forwarded(const Uuid& customer_id, HttpRequest request, HttpResponder respond,
                        std::function<void()> not_here);

  void handle(HttpRequest request, HttpResponder respond) override;
  HttpResponse refuse(boost::beast::http::status status, const std::string& message,
                      std::string_view sent_request_id) override;

 private:
  struct Exchange;
  using ExchangePtr = std::shared_ptr<Exchange>;
  static const Route routes[];
  static const Route* find_route(const std::vector<std::string_view>& path);
  void start(const ExchangePtr& x, HttpRequest request, HttpResponder respond);
  void dispatch(const ExchangePtr& x);
  void health(const ExchangePtr& x);
  void method_not_allowed(const ExchangePtr& x, std::string_view allow);
  // One handler per resource, all of one shape so that routes name them in a table.
  using Handler = void (RestApi::*)(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void groupcalls(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void calls(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void agents(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void extensions(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void extension_groups(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void missed_calls(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void customer(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  // transport/rest_conferences.cpp
  void conferences(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);
  void conferencecalls(const ExchangePtr& x, Shape shape, std::optional<Uuid> id);

  Engine& engine_;
  ApiKeys keys_;
  HttpMetrics& metrics_;
  std::vector<std::pair<std::string, HealthCheck>> health_checks_;
  RemoteOperations* remote_ = nullptr;
};

}  // namespace chorus
