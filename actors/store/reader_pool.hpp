#pragma once
// Read connections lent to any number of threads: a backend's Reader (a connection
// with its prepared lookups, used by one thread at a time) opened on demand up to
// a bound. Shared by the SQLite and PostgreSQL stores.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "model/result.hpp"

namespace chorus {

// Reader: a type Target (what it opens: a file's path, a URL) and
// static Result<std::unique_ptr<Reader>> open(const Target& target),
// and bool usable(): whether an idle connection still works (a server that
// restarted meanwhile closed it), checked before it is lent.
template <class Reader>
class ReaderPool {
 public:
  ReaderPool(typename Reader::Target target, std::size_t max_readers)
      : target_(std::move(target)), max_readers_(max_readers) {}

  // Runs `use` on a reader of its own: an idle one, a new one while fewer than
  // max_readers exist, or the next one given back. A reader whose use failed is
  // closed rather than lent again, in case the failure left it in a bad state.
  template <class Use>
  auto with_reader(Use&& use) -> decltype(use(std::declval<Reader&>())) {
    using Answer = decltype(use(std::declval<Reader&>()));
    Result<std::unique_ptr<Reader>> reader = acquire();
    if (!reader) return Answer(reader.error());
    Answer answer = use(**reader);
    give_back(std::move(*reader), answer.ok());
    return answer;
  }

 private:
  Result<std::unique_ptr<Reader>> acquire() {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      returned_.wait(lock, [this] { return !idle_.empty() || open_ < max_readers_; });
      while (!idle_.empty()) {
        std::unique_ptr<Reader> reader = std::move(idle_.back());
        idle_.pop_back();
        if (reader->usable()) return Result<std::unique_ptr<Reader>>(std::move(reader));
        --open_;  // closed: a new one is opened in its place
      }
      ++open_;
    }
    // Opened outside the lock: other threads keep borrowing idle readers meanwhile.
    Result<std::unique_ptr<Reader>> reader = Reader::open(target_);
    if (!reader) give_back(nullptr, false);
    return reader;
  }

  void give_back(std::unique_ptr<Reader> reader, bool healthy) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (healthy && reader) {
        idle_.push_back(std::move(reader));
      } else {
        --open_;
      }
    }
    returned_.notify_one();
    // An unhealthy reader closes here, outside the lock.
  }

  const typename Reader::Target target_;
  const std::size_t max_readers_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Reader>> idle_;
  std::size_t open_ = 0;  // lent and idle
};

}  // namespace chorus
