#pragma once
// One customer's resources in creation order, for listing newest first: keys
// (tm_create, id) in sorted chunks of at most max_chunk, each keyed in a map by
// its smallest key. A million calls of one customer cost about 32 bytes each here,
// where a tree node apiece cost 64 (24 bytes of key, 32 of node, and rounding).
// Creation times only grow, so nearly every insert lands at the end of the last
// chunk. Not thread-safe: ResourceTable guards it.

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

#include "model/timestamp.hpp"
#include "model/uuid.hpp"

namespace chorus {

class NewestFirstIndex {
 public:
  using Key = std::pair<Timestamp, Uuid>;

  void insert(const Key& key) {
    if (chunks_.empty()) {
      chunks_.emplace(key, std::vector<Key>{key});
      ++size_;
      return;
    }
    auto chunk = chunk_for(key);
    if (key < chunk->first) {  // older than everything: the first chunk takes it
      auto node = chunks_.extract(chunk);
      node.key() = key;
      chunk = chunks_.insert(std::move(node)).position;
    }
    if (chunk->second.size() == max_chunk) {
      // The newest so far, past a full last chunk (the usual case): a new chunk,
      // leaving that one full. Anywhere else, the full chunk is halved.
      if (std::next(chunk) == chunks_.end() && chunk->second.back() < key) {
        std::vector<Key> newest;
        newest.reserve(max_chunk);
        newest.push_back(key);
        chunks_.emplace_hint(chunks_.end(), key, std::move(newest));
        ++size_;
        return;
      }
      split(chunk);
      chunk = chunk_for(key);
    }
    auto& keys = chunk->second;
    keys.insert(std::upper_bound(keys.begin(), keys.end(), key), key);
    ++size_;
  }

  void erase(const Key& key) {
    if (chunks_.empty()) return;
    auto chunk = chunk_for(key);
    auto& keys = chunk->second;
    auto i = std::lower_bound(keys.begin(), keys.end(), key);
    if (i == keys.end() || *i != key) return;
    keys.erase(i);
    --size_;
    // A chunk's map key may stay below its smallest key: lookups stay right.
    if (keys.empty()) {
      chunks_.erase(chunk);
    } else if (keys.size() * 4 < keys.capacity()) {
      keys.shrink_to_fit();  // mostly forgotten: give the room back
    }
  }

  bool empty() const noexcept { return size_ == 0; }

  // Up to `limit` keys, newest first, created strictly before `before` when given.
  template <class Out>
  void newest(std::size_t limit, const Timestamp* before, Out&& out) const {
    if (chunks_.empty() || limit == 0) return;
    // Start at the chunk holding the newest key wanted, and the position past it.
    auto chunk = std::prev(chunks_.end());
    auto end = chunk->second.end();
    if (before) {
      Key bound{*before, Uuid()};  // every key created before `before` sorts below it
      chunk = chunk_for(bound);
      end = std::lower_bound(chunk->second.begin(), chunk->second.end(), bound);
    }
    std::size_t taken = 0;
    for (;;) {
      auto begin = chunk->second.begin();
      while (end != begin && taken < limit) {
        out(*--end);
        ++taken;
      }
      if (taken == limit || chunk == chunks_.begin()) return;
      --chunk;
      end = chunk->second.end();
    }
  }

 private:
  static constexpr std::size_t max_chunk = 128;
  using Chunks = std::map<Key, std::vector<Key>>;

  // The chunk whose range holds `key`: the last one keyed at or below it, else the first.
  Chunks::iterator chunk_for(const Key& key) {
    auto i = chunks_.upper_bound(key);
    return i == chunks_.begin() ? i : std::prev(i);
  }
  Chunks::const_iterator chunk_for(const Key& key) const {
    auto i = chunks_.upper_bound(key);
    return i == chunks_.begin() ? i : std::prev(i);
  }

  // The newer half moves to a chunk of its own.
  void split(Chunks::iterator chunk) {
    auto& keys = chunk->second;
    auto middle = keys.begin() + static_cast<std::ptrdiff_t>(keys.size() / 2);
    std::vector<Key> newer(middle, keys.end());
    keys.erase(middle, keys.end());
    auto first = newer.front();
    chunks_.emplace_hint(std::next(chunk), first, std::move(newer));
  }

  Chunks chunks_;
  std::size_t size_ = 0;
};

}  // namespace chorus
