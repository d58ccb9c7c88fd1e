// The REST API's conferences and conferencecalls, in VoIPbin's paths and bodies:
//   /v1.0/conferences           GET (paged), POST
//   /v1.0/conferences/{id}      GET, PUT, DELETE (terminates, then stamps tm_delete)
//   /v1.0/conferencecalls       GET (paged), POST (Chorus's extension: an answered call joins)
//   /v1.0/conferencecalls/{id}  GET, DELETE (kick: leaving, then leaved)
#include <boost/beast/http.hpp>

#include "model/conference_json.hpp"
#include "model/conference_request.hpp"
#include "transport/rest_exchange.hpp"
#include "transport/rest_json.hpp"

namespace chorus {

namespace http = boost::beast::http;

void RestApi::conferences(const ExchangePtr& x, Shape shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  auto reply = [x](Result<Conference> result) { x->answer(result); };
  if (shape == Shape::collection && method == http::verb::post) {
    auto request = conference_create_from_json(x->request.body(), x->customer);
    if (!request) return x->fail(request.error());
    return engine_.create_conference(*request, reply);
  }
  if (shape == Shape::collection) {
    auto page = page_of(x->query);
    if (!page) return x->fail(page.error());
    return x->answer_page(engine_.conferences(x->customer, page->size, page->before));
  }
  if (method == http::verb::get) return x->answer(engine_.conference(x->customer, *id));
  if (method == http::verb::delete_) return engine_.delete_conference(x->customer, *id, reply);
  auto update = conference_update_from_json(x->request.body());
  if (!update) return x->fail(update.error());
  engine_.update_conference(x->customer, *id, *update, reply);
}

void RestApi::conferencecalls(const ExchangePtr& x, Shape shape, std::optional<Uuid> id) {
  auto method = x->request.method();
  auto reply = [x](Result<Conferencecall> result) { x->answer(result); };
  if (shape == Shape::collection && method == http::verb::post) {
    auto join = conferencecall_join_from_json(x->request.body(), x->customer);
    if (!join) return x->fail(join.error());
    return engine_.join_conference(*join, reply);
  }
  if (shape == Shape::collection) {
    auto page = page_of(x->query);
    if (!page) return x->fail(page.error());
    return x->answer_page(engine_.conferencecalls(x->customer, page->size, page->before));
  }
  if (method == http::verb::get) return x->answer(engine_.conferencecall(x->customer, *id));
  engine_.kick_conferencecall(x->customer, *id, reply);
}

}  // namespace chorus
