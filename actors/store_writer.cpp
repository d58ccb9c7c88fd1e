#include "actors/store_writer.hpp"

#include <future>
#include <unordered_map>
#include <unordered_set>

#include <spdlog/spdlog.h>

namespace chorus {

namespace {

Uuid id_of(const StoreRow& row) {
  return std::visit([](const auto& snapshot) { return row_key(*snapshot); }, row);
}

// The batch's rows, the latest snapshot of each resource only, in the order each
// resource was first queued.
std::vector<StoreRow> coalesced(const std::vector<StoreRow*>& rows) {
  std::vector<StoreRow> result;
  result.reserve(rows.size());
  std::unordered_map<Uuid, std::size_t> position;
  position.reserve(rows.size());
  for (auto* row : rows) {
    auto [at, fresh] = position.try_emplace(id_of(*row), result.size());
    if (fresh || result[at->second].index() != row->index()) {
      result.push_back(*row);
    } else {
      result[at->second] = *row;
    }
  }
  return result;
}

}  // namespace

StoreWriter::StoreWriter(std::shared_ptr<Store> store, StoreOptions options, Apply apply,
                         Publish publish)
    : store_(std::move(store)),
      options_(options),
      apply_(std::move(apply)),
      publish_(std::move(publish)) {
  next_purge_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { run(); });
}

StoreWriter::~StoreWriter() {
  stop(std::chrono::milliseconds(options_.retry_ms * 5 + 1000));
}

void StoreWriter::push(Change change) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!finished_) {
      queue_.push_back(std::move(change));
      // Only the first change of a batch wakes the writer; the rest ride along.
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  // Too late to commit anything: say no rather than leave a caller waiting.
  if (change.ack) change.ack(Error::unavailable("store: stopped"));
}

void StoreWriter::push_all(std::vector<Change> changes) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!finished_) {
      const bool woken = !queue_.empty();
      for (auto& change : changes) queue_.push_back(std::move(change));
      if (!woken && !queue_.empty()) wake_.notify_one();
      return;
    }
  }
  for (auto& change : changes) {
    if (change.ack) change.ack(Error::unavailable("store: stopped"));
  }
}

void StoreWriter::write(StoreRow row, EventPtr event) {
  changes_.fetch_add(1, std::memory_order_relaxed);
  push(Change{std::move(row), std::move(event), nullptr, nullptr, {}});
}

void StoreWriter::publish_after(EventPtr event) {
  push(Change{std::nullopt, std::move(event), nullptr, nullptr, {}});
}

void StoreWriter::after_commit(Then then) {
  push(Change{std::nullopt, nullptr, std::move(then), nullptr, {}});
}

void StoreWriter::acknowledge(Ack ack) {
  push(Change{std::nullopt, nullptr, nullptr, std::move(ack), {}});
}

void StoreWriter::acknowledge_or_withdraw(std::vector<Uuid> ids, Ack ack) {
  push(Change{std::nullopt, nullptr, nullptr, std::move(ack), std::move(ids)});
}

void StoreWriter::write_all_or_withdraw(std::vector<StoreRow> rows, Ack ack) {
  changes_.fetch_add(rows.size(), std::memory_order_relaxed);
  std::vector<Change> changes;
  std::vector<Uuid> ids;
  changes.reserve(rows.size() + 1);
  ids.reserve(rows.size());
  for (auto& row : rows) {
    ids.push_back(id_of(row));
    changes.push_back(Change{std::move(row), nullptr, nullptr, nullptr, {}});
  }
  changes.push_back(Change{std::nullopt, nullptr, nullptr, std::move(ack), std::move(ids)});
  push_all(std::move(changes));
}

bool StoreWriter::flush(std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  after_commit([done] { done->set_value(); });
  return future.wait_for(timeout) == std::future_status::ready;
}

void StoreWriter::stop(std::chrono::milliseconds timeout) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (stopping_) return;
    stopping_ = true;
    stop_deadline_ = std::chrono::steady_clock::now() + timeout;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreWriter::fence(std::string why) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    fault_ = why;
    fenced_ = std::move(why);
  }
  wake_.notify_one();  // a batch waiting to be retried settles now
}

void StoreWriter::unfence() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (!fenced_) return;
  fenced_.reset();
  fault_.reset();  // the next commit says whether the store itself is failing
}

std::optional<std::string> StoreWriter::fenced() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return fenced_;
}

std::optional<std::string> StoreWriter::fault() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return fault_;
}

StoreWriterStats StoreWriter::stats() const {
  StoreWriterStats s;
  s.commits = commits_.load(std::memory_order_relaxed);
  s.rows = rows_.load(std::memory_order_relaxed);
  s.changes = changes_.load(std::memory_order_relaxed);
  s.failures = failures_.load(std::memory_order_relaxed);
  s.purged = purged_.load(std::memory_order_relaxed);
  s.commit_p50 = commit_latency_.percentile(0.50);
  s.commit_p99 = commit_latency_.percentile(0.99);
  return s;
}

void StoreWriter::run() {
  std::vector<Change> batch;  // what the last failed commit left, then what came since
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      auto idle = [&] { return queue_.empty() && batch.empty(); };
      auto woken = [&] { return !queue_.empty() || stopping_; };
      if (!batch.empty()) {
        // Failing: retry after a pause, whatever arrives meanwhile.
        wake_.wait_for(lock, std::chrono::milliseconds(options_.retry_ms));
      } else if (options_.retention_days > 0) {
        wake_.wait_until(lock, next_purge_, woken);
      } else {
        wake_.wait(lock, woken);
      }
      if (stopping_ && (idle() || std::chrono::steady_clock::now() >= stop_deadline_)) break;
      for (auto& change : queue_) batch.push_back(std::move(change));
      queue_.clear();
    }
    if (!batch.empty() && fenced()) {
      settle(batch);
      batch.clear();
    } else if (!batch.empty() && commit(batch)) {
      deliver(batch);
      batch.clear();
    }
    if (batch.empty()) purge_some();
  }
  std::vector<Change> left;
  std::string cause;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    finished_ = true;
    left.swap(queue_);
    cause = fault_.value_or("stopped");
  }
  if (batch.empty() && left.empty()) return;
  spdlog::error("store: stopping with {} changes uncommitted: {}", batch.size() + left.size(),
                cause);
  // Whoever still waits is told no, never left hanging.
  Status stopped = Error::unavailable("store: stopped before the change was committed");
  refuse(batch, stopped);
  refuse(left, stopped);
}

bool StoreWriter::commit(std::vector<Change>& batch) {
  std::vector<StoreRow*> rows;
  rows.reserve(batch.size());
  for (auto& change : batch) {
    if (change.row) rows.push_back(&*change.row);
  }
  bool failing = fault().has_value();
  if (rows.empty() && !failing) return true;
  auto writes = coalesced(rows);
  auto started = std::chrono::steady_clock::now();
  // Failing with nothing left to retry (its rows were withdrawn): only a probe
  // tells whether writes reach the disk again.
  auto status = writes.empty() ? store_->probe() : store_->write(writes);
  if (!status) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    bool first = false;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      first = !fault_;
      fault_ = status.error().message;
    }
    if (first) spdlog::error("{}; writes are refused until it clears", status.error().message);
    refuse(batch, status);
    return false;
  }
  commit_latency_.record(std::chrono::steady_clock::now() - started);
  commits_.fetch_add(1, std::memory_order_relaxed);
  rows_.fetch_add(writes.size(), std::memory_order_relaxed);
  std::lock_guard<std::mutex> guard(mutex_);
  if (fault_) {
    spdlog::info("store: writing again after: {}", *fault_);
    fault_.reset();
  }
  return true;
}

// In queue order: a resource's events leave in the order its changes came.
void StoreWriter::deliver(std::vector<Change>& batch) {
  static const Status committed;
  for (auto& change : batch) {
    if (change.row) apply_(*change.row);
    if (change.event) publish_(change.event);
    if (change.then) change.then();
    if (change.ack) change.ack(committed);
  }
}

// Fenced: what the batch changed holds in memory only, and no event leaves.
void StoreWriter::settle(std::vector<Change>& batch) {
  const Status refused = Error::unavailable(fenced().value_or("store: fenced"));
  for (auto& change : batch) {
    if (change.row) apply_(*change.row);
    if (change.then) change.then();
    if (change.ack) change.ack(refused);
  }
}

// A failed commit answers its acknowledgements now, with the fault; its rows,
// events and continuations stay for the retry, except the rows of writes that
// were refused outright.
void StoreWriter::refuse(std::vector<Change>& batch, const Status& fault) {
  std::unordered_set<Uuid> withdrawn;
  for (auto& change : batch) {
    withdrawn.insert(change.withdraw.begin(), change.withdraw.end());
  }
  if (!withdrawn.empty()) {
    for (auto& change : batch) {
      if (change.row && withdrawn.count(id_of(*change.row))) change.row.reset();
    }
  }
  for (auto& change : batch) {
    if (change.ack) std::exchange(change.ack, nullptr)(fault);
    change.withdraw.clear();
  }
}

// Retention: one small batch at a time, between commits, so purging never holds
// the writer for long.
void StoreWriter::purge_some() {
  if (options_.retention_days == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_purge_) return;
  auto age = std::chrono::hours(24) * options_.retention_days;
  auto cutoff = Timestamp::from(std::chrono::system_clock::now() - age);
  auto purged = store_->purge(cutoff, options_.purge_batch);
  if (!purged) {
    spdlog::warn("store: retention purge failed: {}", purged.error().message);
    next_purge_ = now + std::chrono::milliseconds(options_.purge_interval_ms);
    return;
  }
  purged_.fetch_add(*purged, std::memory_order_relaxed);
  // A full batch means more is due: come back at once (after any commit).
  if (*purged < options_.purge_batch) {
    next_purge_ = now + std::chrono::milliseconds(options_.purge_interval_ms);
  }
}

}  // namespace chorus
