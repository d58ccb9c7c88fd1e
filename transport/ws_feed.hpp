#pragma once
// One customer's events for the WebSocket sessions of one wake-up list.
//
// The event bus runs on engine threads. When every session was a subscriber of its
// own, an event for 1,000 connections cost its engine thread 1,000 deliveries,
// each a pointer lock, a mutex and a queue push on memory the I/O threads then
// took back: a third of the gateway's CPU. Instead the feed is the one subscriber
// (of the whole customer, while any of its sessions holds a topic): an event costs
// the engine thread one push into the feed's inbox, and a wake-up per round. On
// the list's strand, in a WsWakeups round, the feed then offers what came in to
// each of its sessions in turn, which match it against their own topics and queue
// it (ws_session.hpp), without a lock, on the thread that writes it.
//
// A round over hundreds of sessions takes milliseconds, and under load the next
// events come in while it writes. Every 16 sessions it takes them in for the
// sessions it has not reached yet; the ones it had reached get them in the next
// round, and skip what they were offered already (the feed numbers its events).
// At half load of 1,000 subscribers that cut the gateway's CPU per event by an
// eighth: the late sessions' news leaves in the write they were getting anyway.
//
// Everything but deliver() runs on the list's strand.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "transport/remote_events.hpp"
#include "transport/ws_metrics.hpp"

namespace chorus {

class WsSession;
class WsWakeups;

class WsFeed : public std::enable_shared_from_this<WsFeed> {
 public:
  // `inbox_limit`: events held between two rounds at most; past it the oldest
  // are lost, and every session holding a topic is told.
  // With `remote` (a node of a cluster), the other nodes' events of the customer
  // come in too, while any session holds a topic.
  WsFeed(Engine& engine, const Uuid& customer_id, std::shared_ptr<WsWakeups> wakeups,
         std::size_t list, std::size_t inbox_limit, std::shared_ptr<WsMetrics> metrics,
         RemoteEvents* remote = nullptr);
  ~WsFeed();

  // Opens the feed's subscription; once, before any session attaches.
  void open();

  // A session of this customer on this list starts (attach) or ends (detach).
  void attach(std::weak_ptr<WsSession> session);
  void detach(bool held_topics);
  // A session's topics went from none to some (true) or from some to none (false):
  // the feed listens to its customer while any session holds a topic.
  void topics_held(bool held);

  // The write buffer of the feed's wake-up list (ws_wakeups.hpp).
  std::string& write_buffer();

  // In a WsWakeups round: offers what came in to every session.
  void on_round();
  // From an engine thread, or a remote source's.
  void deliver(const EventPtr& event);
  // From a remote source: `count` events of the customer did not arrive.
  void lose(std::uint64_t count);

 private:
  class Sink;
  void prune();  // forgets the sessions that have ended

  Engine& engine_;
  Uuid customer_id_;
  std::shared_ptr<WsWakeups> wakeups_;
  std::size_t list_;
  std::size_t inbox_limit_;
  std::shared_ptr<WsMetrics> metrics_;
  std::vector<Topic> whole_customer_;
  Subscription subscription_;
  RemoteEvents* remote_;
  std::shared_ptr<EventSink> sink_;  // the bus's and the remote source's handle

  // Shared with deliver() under mutex_.
  std::mutex mutex_;
  std::deque<EventPtr> inbox_;
  std::uint64_t lost_ = 0;  // fell out of a full inbox
  bool woken_ = false;      // a round is due

  // Strand only.
  std::vector<std::weak_ptr<WsSession>> sessions_;
  std::size_t holders_ = 0;  // sessions holding at least one topic
  std::size_t ended_ = 0;    // sessions ended since the last prune()
  bool in_round_ = false;
  // The round's events, kept for its capacity: those that came in while the last
  // round ran (offered to the sessions it had not reached yet), then the inbox's,
  // then what comes in while this one runs. round_[0] is the feed's event number
  // round_first_.
  std::vector<EventPtr> round_;
  std::uint64_t round_first_ = 0;
  // In a round: takes what came in since it began, for the sessions it has not
  // reached yet.
  void top_up();
  // Under mutex_: moves the inbox to the end of the round; how many came.
  std::size_t take_inbox();
};

}  // namespace chorus
