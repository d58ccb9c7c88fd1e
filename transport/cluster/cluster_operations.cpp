#include "transport/cluster/cluster_operations.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "transport/cluster/event_subject.hpp"
#include "transport/cluster/operation_messages.hpp"

namespace chorus {

ClusterOperations::ClusterOperations(std::shared_ptr<NatsLink> link, RestApi& api)
    : link_(std::move(link)),
      api_(api),
      requests_(link_, {operations_subject, waiting_threads, max_waiting, answer_timeout_ms}) {
  subscription_ = link_->subscribe(operations_subject, &on_request, this);
}

ClusterOperations::~ClusterOperations() {
  NatsLink::unsubscribe(subscription_, answer_timeout_ms);
}

void ClusterOperations::forward(const Uuid& customer_id, const HttpRequest& request,
                                std::function<void(std::optional<ForwardedAnswer>)> answer) {
  requests_.ask(encode_request(customer_id, request),
                [this, answer = std::move(answer)](std::optional<std::string> text) {
                  std::optional<ForwardedAnswer> forwarded;
                  if (text) {
                    if (auto decoded = decode_answer(*text)) forwarded = std::move(decoded).value();
                  }
                  if (!forwarded) unanswered_.fetch_add(1, std::memory_order_relaxed);
                  answer(std::move(forwarded));
                });
}

void ClusterOperations::on_request(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<ClusterOperations*>(self)->serve(msg);
  natsMsg_Destroy(msg);
}

void ClusterOperations::serve(natsMsg* msg) {
  const char* reply_to = natsMsg_GetReply(msg);
  if (reply_to == nullptr) return;
  auto forwarded = decode_request(NatsLink::data_of(msg));
  if (!forwarded) {
    spdlog::warn("cluster: refused a forwarded operation: {}", forwarded.error().message);
    return;
  }
  served_.fetch_add(1, std::memory_order_relaxed);
  api_.handle_forwarded(
      forwarded->customer_id, std::move(forwarded->request),
      [link = link_, reply = std::string(reply_to)](HttpResponse response) {
        link->reply(reply, encode_answer(response));
      },
      [] {});  // not this node's either: the node that runs it answers
}

}  // namespace chorus
