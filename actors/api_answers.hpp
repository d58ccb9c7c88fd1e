#pragma once
// How the engine's API reads a resource and answers a request: ownership (another
// customer's resource is a missing one), snapshots from memory or the store, and
// answers that come exactly once. Internal to the engine's API files.

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "actors/resource_table.hpp"
#include "actors/store.hpp"
#include "model/conference_transitions.hpp"
#include "model/result.hpp"
#include "model/transitions.hpp"

namespace chorus {

template <class Resource>
Result<Resource> owned(const std::shared_ptr<const Resource>& snapshot, const Uuid& customer_id,
                       const char* what) {
  // Another customer's resource is indistinguishable from a missing one.
  if (!snapshot || snapshot->customer_id != customer_id) return Error::not_found(what);
  return *snapshot;
}

// The same for a lookup that may have failed in the store: that failure is the
// answer (503), never a 404 that would tell the client the resource is gone.
template <class Resource>
Result<Resource> owned(const Result<std::shared_ptr<const Resource>>& found,
                       const Uuid& customer_id, const char* what) {
  if (!found) return found.error();
  return owned(*found, customer_id, what);
}

// A live resource this node's memory does not hold: another node of the cluster
// runs it (this one read it from the shared store), and only that node may act on
// it. An ended one any node may answer for.
template <class Resource>
Result<Resource> here(Result<Resource> found, const ResourceTable<Resource>& local,
                      const char* what) {
  if (found && !is_final(found->status) && !local.find(found->id)) {
    return Error::elsewhere(what);
  }
  return found;
}

template <class Resource>
std::vector<Resource> copies(const std::vector<std::shared_ptr<const Resource>>& snapshots) {
  std::vector<Resource> result;
  result.reserve(snapshots.size());
  for (auto& s : snapshots) result.push_back(*s);
  return result;
}

// A snapshot the store keeps once memory has let it go: null when it has none,
// the store's error when it could not read.
template <class Resource, class Read>
Result<std::shared_ptr<const Resource>> stored(const std::shared_ptr<Store>& store, Read read) {
  if (!store) return std::shared_ptr<const Resource>();
  auto found = read(*store);
  if (!found) {
    spdlog::error("{}", found.error().message);
    return found.error();
  }
  if (!*found) return std::shared_ptr<const Resource>();
  return std::make_shared<const Resource>(std::move(**found));
}

// A page from the store, each resource as memory holds it when it is newer there.
template <class Resource>
Result<std::vector<Resource>> stored_page(Result<std::vector<Resource>> page,
                                          const ResourceTable<Resource>& live) {
  if (!page) {
    spdlog::error("{}", page.error().message);
    return page;
  }
  for (auto& r : *page) {
    if (auto newer = live.find(r.id)) r = *newer;
  }
  return std::move(page).value();
}

// A customer's page of one kind: from the store (each resource as memory holds it
// when newer there) when there is one, else from memory.
template <class Resource, class StoredList>
Result<std::vector<Resource>> listed(const std::shared_ptr<Store>& store,
                                     const ResourceTable<Resource>& live, StoredList stored_list,
                                     const Uuid& customer_id, std::size_t limit,
                                     std::optional<Timestamp> before) {
  if (store) return stored_page(stored_list(*store), live);
  return copies(live.list(customer_id, limit, before));
}

// Answers an API hangup exactly once. The actor answers while it runs; if it ends
// before it reads the request, CAF drops the message unread, and when the last
// copy of the reply goes, it answers with the resource as the registry holds it.
template <class Resource>
std::function<void(Result<Resource>)> answer_once(std::function<void(Result<Resource>)> done,
                                                  std::function<Result<Resource>()> current) {
  struct Once {
    std::function<void(Result<Resource>)> done;
    std::function<Result<Resource>()> current;
    void answer(Result<Resource> result) {
      auto callback = std::exchange(done, nullptr);
      if (callback) callback(std::move(result));
    }
    ~Once() {
      if (!done) return;
      try {
        answer(current());
      } catch (...) {
        // A callback's exception must not escape a destructor.
      }
    }
  };
  auto once = std::make_shared<Once>();
  once->done = std::move(done);
  once->current = std::move(current);
  return [once](Result<Resource> result) { once->answer(std::move(result)); };
}

// The synchronous face of an asynchronous call: for embedders, never for engine
// threads (the answer may need one of them).
template <class Value, class Start>
Result<Value> wait_for(Start start) {
  auto answer = std::make_shared<std::promise<Result<Value>>>();
  auto future = answer->get_future();
  start(std::function<void(Result<Value>)>(
      [answer](Result<Value> result) { answer->set_value(std::move(result)); }));
  return future.get();
}

}  // namespace chorus
