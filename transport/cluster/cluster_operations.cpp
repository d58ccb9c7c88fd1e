#include "transport/cluster/cluster_operations.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "transport/cluster/event_subject.hpp"
#include "transport/cluster/operation_messages.hpp"

namespace chorus {

ClusterOperations::ClusterOperations(std::shared_ptr<NatsLink> link, RestApi& api)
    : link_(std::move(link)), api_(api) {
  subscription_ = link_->subscribe(operations_subject, &on_request, this);
  for (std::size_t i = 0; i < waiting_threads; ++i) {
    threads_.emplace_back([this] { wait_for_answers(); });
  }
}

ClusterOperations::~ClusterOperations() {
  NatsLink::unsubscribe(subscription_, answer_timeout_ms);
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& t : threads_) t.join();
}

void ClusterOperations::forward(const Uuid& customer_id, const HttpRequest& request,
                                std::function<void(std::optional<ForwardedAnswer>)> answer) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!stopping_ && waiting_.size() < max_waiting) {
      waiting_.push_back({encode_request(customer_id, request), std::move(answer)});
      queued_.notify_one();
      return;
    }
  }
  unanswered_.fetch_add(1, std::memory_order_relaxed);
  answer(std::nullopt);
}

void ClusterOperations::wait_for_answers() {
  for (;;) {
    Waiting next;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      queued_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping, and nothing left
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    forwarded_.fetch_add(1, std::memory_order_relaxed);
    auto text = link_->request(operations_subject, next.request, answer_timeout_ms);
    auto answer = text ? decode_answer(*text) : Result<ForwardedAnswer>(Error::unavailable(""));
    if (!answer) {
      unanswered_.fetch_add(1, std::memory_order_relaxed);
      next.answer(std::nullopt);
    } else {
      next.answer(std::move(answer).value());
    }
  }
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
