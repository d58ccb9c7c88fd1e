#pragma once
// Conferences whose participants run on other nodes, over NATS (the
// ConferencePeers port, actors/conference_peers.hpp): a node asks every node on
// chorus.conferences (request and reply); each hands the request to its engine's
// peer entry points, and only the node that runs the target (the call, the
// conference, the participant) answers; the others stay silent. No answer within
// answer_timeout: not delivered (a seat answers unavailable).
//
// NATS gives a node none of its own messages, yet the target of a news or an end
// may run here (a node that took over a dead one's participant tells its own
// conference), so this node's engine is asked first, as every other node's is.
// A seat always goes out: the engine seats its own calls itself.
//
// Malformed requests and answers are counted in refused() (the first one is
// logged) and never answered: whoever can publish on NATS could send anything.

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "actors/conference_peers.hpp"
#include "transport/cluster/conference_messages.hpp"
#include "transport/cluster/nats_link.hpp"
#include "transport/cluster/nats_requests.hpp"

namespace chorus {

class Engine;

class ClusterConferences final : public ConferencePeers {
 public:
  static constexpr std::size_t waiting_threads = 4;
  static constexpr std::size_t max_waiting = 1024;
  static constexpr int64_t answer_timeout_ms = 2000;

  // Serves the other nodes' requests through `engine`'s peer entry points, and
  // sends this node's.
  ClusterConferences(std::shared_ptr<NatsLink> link, Engine& engine);
  // Stops serving (drained: no handler runs after) and answers what still waits.
  ~ClusterConferences() override;
  ClusterConferences(const ClusterConferences&) = delete;
  ClusterConferences& operator=(const ClusterConferences&) = delete;

  void seat(const RemoteSeat& seat, std::function<void(Result<Conferencecall>)> answer) override;
  void tell_conference(const Uuid& conference_id, const Uuid& conferencecall_id,
                       ParticipantNews news) override;
  void end_participant(const Uuid& conferencecall_id,
                       std::function<void(bool delivered)> done) override;
  void join(const RemoteJoin& join, std::function<void(Result<Conferencecall>)> answer) override;

  // This node's requests sent on NATS: every one, and the seats (and joins) among them.
  std::uint64_t requested() const { return requested_.load(std::memory_order_relaxed); }
  std::uint64_t seats_requested() const { return seats_.load(std::memory_order_relaxed); }
  // Of those, the ones no node answered in time, or answered malformed, or that
  // could not wait.
  std::uint64_t unanswered() const { return unanswered_.load(std::memory_order_relaxed); }
  // Other nodes' requests this node looked at (it answers its own).
  std::uint64_t served() const { return served_.load(std::memory_order_relaxed); }
  // Requests and answers that were not well-formed.
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  static void on_request(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  void serve(natsMsg* msg);
  void serve_one(const RemoteSeat& seat, std::string reply_to);
  void serve_one(const ConferenceNews& news, std::string reply_to);
  void serve_one(const ParticipantEnd& end, std::string reply_to);
  void serve_one(const RemoteJoin& join, std::string reply_to);

  // What answers a seat or a join on NATS, once the engine has.
  std::function<void(std::optional<Result<Conferencecall>>)> answering(std::string reply_to) const;
  // A news or an end: delivered once the target's node acknowledged it.
  void tell(const ConferenceRequest& request, std::function<void(bool delivered)> done);
  bool acknowledged(std::string_view answer);
  Result<Conferencecall> seated(const RemoteSeat& asked, const std::optional<std::string>& answer);
  void refuse(std::string_view what, const Error& why);
  void ask(const ConferenceRequest& request, NatsRequests::Answer answer);

  std::shared_ptr<NatsLink> link_;
  Engine& engine_;
  natsSubscription* subscription_ = nullptr;

  std::atomic<std::uint64_t> requested_{0};
  std::atomic<std::uint64_t> seats_{0};
  std::atomic<std::uint64_t> unanswered_{0};
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> refused_{0};
  // Last: its destructor answers what waits, which counts in unanswered_.
  NatsRequests requests_;
};

}  // namespace chorus
