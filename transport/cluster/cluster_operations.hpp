#pragma once
// Operations on resources another node runs, over NATS (the RemoteOperations port):
// a node asks every node on chorus.operations (request and reply); each has its
// REST API take the request as if its own client had sent it, authenticated as
// the asking node's client was; only the node that runs the resource answers (the
// others find it is not theirs, and stay silent), and its answer goes back to the
// client unchanged. No answer within answer_timeout: 503 OWNER_UNREACHABLE.
//
// The requests wait on threads of their own (NatsRequests); past max_waiting
// queued requests a forward is answered at once with nothing (503).

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "transport/cluster/nats_link.hpp"
#include "transport/cluster/nats_requests.hpp"
#include "transport/remote_operations.hpp"
#include "transport/rest_api.hpp"

namespace chorus {

class ClusterOperations final : public RemoteOperations {
 public:
  static constexpr std::size_t waiting_threads = 4;
  static constexpr std::size_t max_waiting = 1024;
  static constexpr int64_t answer_timeout_ms = 2000;

  // Serves the other nodes' requests through `api`, and forwards this node's.
  ClusterOperations(std::shared_ptr<NatsLink> link, RestApi& api);
  // Stops serving (drained: no handler runs after) and answers what still waits.
  ~ClusterOperations() override;
  ClusterOperations(const ClusterOperations&) = delete;
  ClusterOperations& operator=(const ClusterOperations&) = delete;

  void forward(const Uuid& customer_id, const HttpRequest& request,
               std::function<void(std::optional<ForwardedAnswer>)> answer) override;

  std::uint64_t forwarded() const { return requests_.sent(); }
  std::uint64_t unanswered() const { return unanswered_.load(std::memory_order_relaxed); }
  std::uint64_t served() const { return served_.load(std::memory_order_relaxed); }

 private:
  static void on_request(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  void serve(natsMsg* msg);

  std::shared_ptr<NatsLink> link_;
  RestApi& api_;
  natsSubscription* subscription_ = nullptr;

  std::atomic<std::uint64_t> unanswered_{0};
  std::atomic<std::uint64_t> served_{0};
  // Last: its destructor answers what waits, which counts in unanswered_.
  NatsRequests requests_;
};

}  // namespace chorus
