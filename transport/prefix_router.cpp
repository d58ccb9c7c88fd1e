#include "transport/prefix_router.hpp"

namespace chorus {

HttpHandler& PrefixRouter::handler_for(std::string_view target) {
  for (auto& [prefix, handler] : routes_) {
    if (target.substr(0, prefix.size()) == prefix) return *handler;
  }
  return fallback_;
}

void PrefixRouter::handle(HttpRequest request, HttpResponder respond) {
  auto& handler = handler_for(std::string_view(request.target().data(), request.target().size()));
  handler.handle(std::move(request), std::move(respond));
}

HttpResponse PrefixRouter::refuse(boost::beast::http::status status, const std::string& message,
                                  std::string_view sent_request_id) {
  return fallback_.refuse(status, message, sent_request_id);
}

}  // namespace chorus
