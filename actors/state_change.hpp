#pragma once
// The one place where a state change is stored and then published. With a
// durable store the new snapshot goes to the store writer, and only once it is
// committed does the registry (what the API reads) take it and its event leave:
// neither a subscriber nor a reader ever sees a state that a crash could take
// back. Without a store, both happen at once.

#include <functional>
#include <memory>

#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conferencecall.hpp"
#include "model/directory_entry.hpp"
#include "model/event.hpp"
#include "model/groupcall.hpp"
#include "model/result.hpp"

namespace chorus {

struct EngineContext;

// A resource the engine has just made (registered with no actor yet).
void insert(EngineContext& engine, std::shared_ptr<const Call> call);
void insert(EngineContext& engine, std::shared_ptr<const Groupcall> groupcall);
void insert(EngineContext& engine, std::shared_ptr<const Conference> conference);
void insert(EngineContext& engine, std::shared_ptr<const Conferencecall> conferencecall);

void commit(EngineContext& engine, EventType type, std::shared_ptr<const Call> call);
void commit(EngineContext& engine, EventType type, std::shared_ptr<const Groupcall> groupcall);
void commit(EngineContext& engine, EventType type, std::shared_ptr<const Conference> conference);
void commit(EngineContext& engine, EventType type,
            std::shared_ptr<const Conferencecall> conferencecall);
// A change no event names (hangingup, linear's next dial): stored, not published.
void commit_quietly(EngineContext& engine, std::shared_ptr<const Groupcall> groupcall);
void commit_quietly(EngineContext& engine, std::shared_ptr<const Call> call);
// A directory entry, as put or removed.
void commit_quietly(EngineContext& engine, std::shared_ptr<const Agent> agent);
void commit_quietly(EngineContext& engine, std::shared_ptr<const Extension> extension);
// An event about the snapshot already committed (call_created, call_dialing).
void announce(EngineContext& engine, EventType type, const std::shared_ptr<const Call>& call);
void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Groupcall>& groupcall);
void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Conference>& conference);
void announce(EngineContext& engine, EventType type,
              const std::shared_ptr<const Conferencecall>& conferencecall);

// A top-level groupcall tree has ended: with a store, memory lets it go once it
// is committed (reads then come from the store); without one, the registry's
// retention keeps it readable for a while.
void retire(EngineContext& engine, const Uuid& groupcall_id);
// An ended conference or conferencecall, likewise.
void retire_conference(EngineContext& engine, const Uuid& id);
void retire_conferencecall(EngineContext& engine, const Uuid& id);

// Runs `done` with `result` once everything changed so far is committed, or with
// the store's fault if the commit fails. The way every write the API acknowledges
// answers.
template <class Value>
void answer_when_committed(EngineContext& engine, Result<Value> result,
                           std::function<void(Result<Value>)> done);
void when_committed(EngineContext& engine, std::function<void(const Status&)> done);

template <class Value>
void answer_when_committed(EngineContext& engine, Result<Value> result,
                           std::function<void(Result<Value>)> done) {
  if (!result) return done(std::move(result));
  when_committed(engine, [result = std::move(result),
                          done = std::move(done)](const Status& committed) mutable {
    if (!committed) return done(committed.error());
    done(std::move(result));
  });
}

}  // namespace chorus
