#pragma once
// The store writer: the one thread that owns the store's write side and commits in
// groups. Whatever was queued while the previous transaction ran goes into the
// next one, so a quiet engine commits at once and a busy one batches; several
// changes of one resource inside a batch become one row write.
//
// Nothing leaves before its commit: an event queued with a row is published only
// once that row (and every row queued before it) is durable, and an
// acknowledgement is answered only then. When a commit fails the batch is kept
// and retried, its acknowledgements are answered with the fault at once (the
// client sees a 503, never a false yes), and its events wait for the retry. A
// write the client is told did not happen (a creation, a directory write) is
// withdrawn from the batch with its answer, so that a refusal changes nothing.
//
// A thread of its own rather than a CAF actor: a commit blocks in fsync for
// milliseconds, which would hold one of the scheduler's few workers, and "take
// everything queued" is one swap of a vector here.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/latency_histogram.hpp"
#include "actors/store.hpp"
#include "config/store_options.hpp"
#include "model/event.hpp"
#include "model/result.hpp"

namespace chorus {

struct StoreWriterStats {
  std::uint64_t commits = 0;
  std::uint64_t rows = 0;     // row writes, after coalescing
  std::uint64_t changes = 0;  // rows queued, before coalescing
  std::uint64_t failures = 0;
  std::uint64_t purged = 0;
  std::chrono::microseconds commit_p50{0};
  std::chrono::microseconds commit_p99{0};
};

class StoreWriter {
 public:
  using Publish = std::function<void(const EventPtr&)>;
  using Apply = std::function<void(const StoreRow&)>;
  using Ack = std::function<void(const Status&)>;
  using Then = std::function<void()>;

  // After each commit, in queue order: `apply` gets every committed row (so that
  // what the engine serves follows the disk), `publish` every event.
  StoreWriter(std::shared_ptr<Store> store, StoreOptions options, Apply apply, Publish publish);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  // A row to commit; `event`, when set, is published once it is committed.
  void write(StoreRow row, EventPtr event = nullptr);
  // An event about rows already queued: published after they commit.
  void publish_after(EventPtr event);
  // Runs once everything queued so far is committed (held through retries).
  void after_commit(Then then);
  // Answered once everything queued so far is committed, or with the fault as
  // soon as a commit of it fails.
  void acknowledge(Ack ack);
  // The same, for a write that a refusal must undo: when the commit fails, the
  // rows queued for `ids` are withdrawn (never retried) as `ack` hears the fault.
  void acknowledge_or_withdraw(std::vector<Uuid> ids, Ack ack);
  // Several rows and acknowledge_or_withdraw of them all, queued at once so that
  // they reach one commit: written together or, refused, withdrawn together.
  void write_all_or_withdraw(std::vector<StoreRow> rows, Ack ack);

  // Blocks until everything queued so far is committed and its events published,
  // or `timeout` passes. False on timeout.
  bool flush(std::chrono::milliseconds timeout);
  // Commits what is queued (trying for at most `timeout` while failing), then
  // ends the thread. Idempotent.
  void stop(std::chrono::milliseconds timeout);

  // This node lost its lease (Engine::abandon_live): until unfence(), nothing
  // reaches the store. Each change settles in memory only, its row applied and
  // its continuation run (so the registry lets the ended resources go), its event
  // dropped (the node that took over published the endings) and its
  // acknowledgement answered with `why`, which fault() reports meanwhile.
  void fence(std::string why);
  void unfence();

  // The fault of the last commit, while the store is failing (or fenced).
  std::optional<std::string> fault() const;
  StoreWriterStats stats() const;
  Store& store() { return *store_; }

 private:
  struct Change {
    std::optional<StoreRow> row;
    EventPtr event;
    Then then;
    Ack ack;
    std::vector<Uuid> withdraw;  // on failure, with the ack
  };

  void push(Change change);
  void push_all(std::vector<Change> changes);
  void run();
  bool commit(std::vector<Change>& batch);
  void deliver(std::vector<Change>& batch);
  void refuse(std::vector<Change>& batch, const Status& fault);
  void settle(std::vector<Change>& batch);
  std::optional<std::string> fenced() const;
  void purge_some();

  std::shared_ptr<Store> store_;
  StoreOptions options_;
  Apply apply_;
  Publish publish_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Change> queue_;
  bool stopping_ = false;
  bool finished_ = false;  // the thread has ended: nothing queued would be committed
  std::chrono::steady_clock::time_point stop_deadline_;
  std::optional<std::string> fault_;
  std::optional<std::string> fenced_;  // why, while fenced

  LatencyHistogram commit_latency_;
  std::atomic<std::uint64_t> commits_{0}, rows_{0}, changes_{0}, failures_{0}, purged_{0};
  std::chrono::steady_clock::time_point next_purge_;
  std::thread thread_;
};

}  // namespace chorus
