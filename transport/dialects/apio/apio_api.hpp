#pragma once
// Chorus's Netaxis APIO dialect: the Instant Group Call endpoints of APIO's API
// (../shared/reference/003) over the engine, under
// /api/v1/tenants/{tenant_id}/groups/{group_id}/services/:
//
//   GET, POST          instant_group_calls/                   list, create
//   GET, PUT, DELETE   instant_group_calls/{service_user_id}/ read, update, delete
//   PUT                instant_group_calls_active/            bulk active, answers {}
//
// with or without the trailing slash. The key is a Chorus API key, read as the REST
// API reads it (Authorization: Bearer, token=, accesskey=). Tenants and groups belong
// to the key's customer and exist by their first service; another customer's are
// answered exactly as ones that do not exist (404). Bodies are APIO's
// (model/apio_json.hpp); errors are the REST API's envelope
// {"error":{"status","reason","message","request_id","field"}}: 400 for a body or
// value that breaks a rule, 401 without a valid key, 404 for an unknown path, group
// or service, 405, 409 for a serviceUserId or phoneNumber already taken, 415 for a
// body that is not application/json, 503 while the store cannot be written. Every
// answer carries an X-Request-Id and is counted in /metrics under its endpoint.
// Settings (config/apio_options.hpp) decide serviceUserId generation and renames and
// whether instance answers show `active`.

#include <string_view>

#include "actors/engine.hpp"
#include "config/apio_options.hpp"
#include "model/apio_service_user_id.hpp"
#include "transport/api_keys.hpp"
#include "transport/http_metrics.hpp"
#include "transport/http_server.hpp"

namespace chorus::apio {

// Digits from a generator seeded by the system's entropy, one lock per digit.
RandomDigit system_random_digit();

class ApioApi final : public HttpHandler {
 public:
  ApioApi(Engine& engine, ApiKeys keys, HttpMetrics& metrics, ApioSettings settings,
          RandomDigit random_digit = system_random_digit());

  void handle(HttpRequest request, HttpResponder respond) override;
  HttpResponse refuse(boost::beast::http::status status, const std::string& message,
                      std::string_view sent_request_id) override;

  struct Exchange;
  struct Endpoint;

 private:
  static const Endpoint endpoints[];
  void dispatch(Exchange& x);
  void list(Exchange& x);
  void create(Exchange& x);
  void get(Exchange& x);
  void update(Exchange& x);
  void remove(Exchange& x);
  void set_active(Exchange& x);

  // The stored service the path names, or a 404 answered.
  std::optional<InstantGroupCall> stored(Exchange& x);
  // The serviceUserId a POST without one gets, or the error to answer.
  Result<std::string> generated_id(const InstantGroupCall& service) const;
  // The id a PUT renames the service to under SERVICE_USERS_UPDATE_ID_PHONE_NUMBER.
  std::optional<std::string> renamed_id(const InstantGroupCall& before,
                                        const InstantGroupCall& after) const;
  ServiceUserIdContext context_of(const InstantGroupCall& service) const;

  Engine& engine_;
  ApiKeys keys_;
  HttpMetrics& metrics_;
  ApioSettings settings_;
  RandomDigit random_digit_;
};

}  // namespace chorus::apio
