#include "transport/cluster/nats_requests.hpp"

#include <utility>

namespace chorus {

NatsRequests::NatsRequests(std::shared_ptr<NatsLink> link, NatsRequestsOptions options)
    : link_(std::move(link)), options_(std::move(options)) {
  for (std::size_t i = 0; i < options_.waiting_threads; ++i) {
    threads_.emplace_back([this] { wait_for_answers(); });
  }
}

NatsRequests::~NatsRequests() {
  std::deque<Waiting> unsent;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
    unsent.swap(waiting_);
  }
  queued_.notify_all();
  // Outside the lock: an answer may ask again, and is refused.
  for (auto& w : unsent) w.answer(std::nullopt);
  for (auto& t : threads_) t.join();
}

void NatsRequests::ask(std::string request, Answer answer) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!stopping_ && waiting_.size() < options_.max_waiting) {
      waiting_.push_back({std::move(request), std::move(answer)});
      queued_.notify_one();
      return;
    }
  }
  answer(std::nullopt);
}

std::optional<NatsRequests::Waiting> NatsRequests::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  queued_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
  if (stopping_) return std::nullopt;  // what still waits, the destructor answers
  Waiting w = std::move(waiting_.front());
  waiting_.pop_front();
  return w;
}

void NatsRequests::wait_for_answers() {
  while (auto w = next()) {
    sent_.fetch_add(1, std::memory_order_relaxed);
    w->answer(link_->request(options_.subject, w->request, options_.answer_timeout_ms));
  }
}

}  // namespace chorus
