#include "actors/node_failover.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

namespace chorus {

namespace {

// Takeovers per round: each one's endings commit before the next round renews.
constexpr int takeovers_per_round = 4;

std::size_t count_of(const LeftLive& left) {
  return left.live_groupcalls.size() + left.live_calls.size() + left.live_conferences.size() +
         left.live_conferencecalls.size();
}

}  // namespace

NodeFailover::NodeFailover(Engine& engine, std::shared_ptr<NodeLease> lease)
    : engine_(engine),
      lease_(std::move(lease)),
      interval_(std::max(lease_->duration() / 5, std::chrono::milliseconds(20))),
      last_renewed_(std::chrono::steady_clock::now()) {
  epoch_.store(lease_->epoch(), std::memory_order_relaxed);
  note_other_nodes();
  thread_ = std::thread([this] { run(); });
}

NodeFailover::~NodeFailover() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

NodeFailoverStats NodeFailover::stats() const {
  NodeFailoverStats s;
  s.held = held_.load(std::memory_order_relaxed);
  s.epoch = epoch_.load(std::memory_order_relaxed);
  s.renewal_failures = renewal_failures_.load(std::memory_order_relaxed);
  s.leases_lost = leases_lost_.load(std::memory_order_relaxed);
  s.takeovers = takeovers_.load(std::memory_order_relaxed);
  s.resources_taken_over = resources_taken_over_.load(std::memory_order_relaxed);
  s.other_nodes = other_nodes().size();
  return s;
}

void NodeFailover::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (fenced_ && !leaving_.load(std::memory_order_relaxed)) {
      claim_again();
    } else {
      keep_lease();
    }
    lock.lock();
  }
}

void NodeFailover::leave() {
  leaving_.store(true, std::memory_order_relaxed);
}

void NodeFailover::keep_lease() {
  // The lease runs from when the renewal left, by the store's clock: counting
  // from its answer would let this node believe in it for longer than the others.
  const auto sent = std::chrono::steady_clock::now();
  Result<LeaseRenewal> renewed = lease_->renew();
  if (renewed && *renewed == LeaseRenewal::held) {
    if (renewal_failing_) spdlog::info("cluster: this node's lease is renewed again");
    renewal_failing_ = false;
    last_renewed_ = sent;
    if (leaving_.load(std::memory_order_relaxed)) return;
    note_other_nodes();
    take_over_expired();
    return;
  }
  if (leaving_.load(std::memory_order_relaxed)) {
    // Lost while leaving: the engine's stop ends the rest, its writes fenced.
    if (renewed) held_.store(false, std::memory_order_relaxed);
    return;
  }
  if (renewed) return let_go("another node took over this node's lease");
  renewal_failures_.fetch_add(1, std::memory_order_relaxed);
  if (!renewal_failing_) {
    spdlog::warn("cluster: cannot renew this node's lease: {}", renewed.error().message);
  }
  renewal_failing_ = true;
  // Past a whole lease the others may have taken over: stop as if they had.
  if (sent - last_renewed_ >= lease_->duration()) {
    let_go("this node could not renew its lease for " + std::to_string(lease_->duration().count()) +
           " ms");
  }
}

std::vector<std::string> NodeFailover::other_nodes() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return other_nodes_;
}

void NodeFailover::note_other_nodes() {
  Result<std::vector<std::string>> holders = lease_->holders();
  if (!holders) return;  // the last list stands until the next round
  holders->erase(std::remove(holders->begin(), holders->end(), lease_->node_id()), holders->end());
  std::lock_guard<std::mutex> guard(mutex_);
  other_nodes_ = std::move(*holders);
}

void NodeFailover::take_over_expired() {
  for (int round = 0; round < takeovers_per_round; ++round) {
    Result<std::optional<TakenOver>> taken = lease_->take_over_expired();
    if (!taken) {
      spdlog::warn("cluster: cannot look for expired leases: {}", taken.error().message);
      return;
    }
    if (!*taken) return;
    const TakenOver& over = **taken;
    spdlog::warn(
        "cluster: took over node {} (its lease expired): ending its {} groupcalls, {} calls, {} "
        "conferences and {} conferencecalls",
        over.node_id, over.left.live_groupcalls.size(), over.left.live_calls.size(),
        over.left.live_conferences.size(), over.left.live_conferencecalls.size());
    takeovers_.fetch_add(1, std::memory_order_relaxed);
    resources_taken_over_.fetch_add(count_of(over.left), std::memory_order_relaxed);
    // Waited for no longer than a renewal's interval, so that the next renewal
    // is never late: not yet committed, the endings stay queued in the store
    // writer, retried until they commit (should this node die first, they are its
    // own to end, and end with it), and the next takeover waits a round.
    if (auto ended = engine_.end_left_live(over.left, interval_); !ended) {
      spdlog::warn("cluster: ending what node {} left: {}", over.node_id, ended.error().message);
      return;
    }
  }
}

void NodeFailover::let_go(const std::string& why) {
  held_.store(false, std::memory_order_relaxed);
  fenced_ = true;
  leases_lost_.fetch_add(1, std::memory_order_relaxed);
  spdlog::error("cluster: {}: ending everything this node ran, writing none of it", why);
  why_ = "store: fenced: " + why;
  settled_ = engine_.abandon_live(why_);
  claim_again();
}

bool NodeFailover::claim_again() {
  // A batch still being written when the writer was fenced must settle first: under
  // a new epoch it would go through.
  if (!settled_) settled_ = engine_.abandon_live(why_);
  if (!settled_) return false;
  Result<LeftLive> claimed = lease_->claim();
  if (!claimed) {
    renewal_failures_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  engine_.resume_writes();
  fenced_ = false;
  renewal_failing_ = false;
  last_renewed_ = std::chrono::steady_clock::now();
  epoch_.store(lease_->epoch(), std::memory_order_relaxed);
  held_.store(true, std::memory_order_relaxed);
  spdlog::warn(
      "cluster: this node holds its lease again (epoch {}); ending the {} resources it "
      "still owned",
      lease_->epoch(), count_of(*claimed));
  if (auto ended = engine_.end_left_live(*claimed, interval_); !ended) {
    spdlog::warn("cluster: ending what this node left: {}", ended.error().message);
  }
  return true;
}

}  // namespace chorus
