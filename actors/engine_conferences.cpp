// The engine's API for conferences and their participants (conferencecalls).
#include <mutex>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "actors/api_answers.hpp"
#include "actors/conference_actor.hpp"
#include "actors/deletion.hpp"
#include "actors/engine.hpp"
#include "actors/engine_core.hpp"
#include "actors/state_change.hpp"
#include "model/conference_transitions.hpp"
#include "model/direct_hash.hpp"
#include "model/transitions.hpp"

namespace chorus {

namespace {

std::shared_ptr<const Conference> new_conference(EngineContext& engine,
                                                 const ConferenceCreate& request) {
  auto c = std::make_shared<Conference>();
  c->id = request.id.is_zero() ? Uuid::generate() : request.id;
  c->customer_id = request.customer_id;
  c->type = request.type;
  c->status = ConferenceStatus::progressing;
  c->name = request.name;
  c->detail = request.detail;
  c->data = request.data;
  c->timeout = request.timeout;
  c->pre_flow_id = request.pre_flow_id;
  c->post_flow_id = request.post_flow_id;
  c->max_participants = request.max_participants;
  c->direct_hash = Text(generate_direct_hash());
  c->tm_create = c->tm_update = engine.clock.creation_time();
  return c;
}

}  // namespace

Result<std::shared_ptr<const Conference>> Engine::find_conference(const Uuid& id) const {
  auto& engine = core_->context();
  if (auto live = engine.registry.conferences.find(id)) return live;
  return stored<Conference>(engine.store, [&](Store& s) { return s.conference(id); });
}

Result<std::shared_ptr<const Conferencecall>> Engine::find_conferencecall(const Uuid& id) const {
  auto& engine = core_->context();
  if (auto live = engine.registry.conferencecalls.find(id)) return live;
  return stored<Conferencecall>(engine.store, [&](Store& s) { return s.conferencecall(id); });
}

void Engine::create_conference(const ConferenceCreate& request,
                               std::function<void(Result<Conference>)> done) {
  if (core_->stopping()) return done(Error::unavailable("the engine is stopping"));
  if (request.customer_id.is_zero()) {
    return done(Error::invalid("customer_id", "must be a customer's UUID"));
  }
  if (auto status = validate(request); !status) return done(status.error());
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto& engine = core_->context();
  std::shared_ptr<const Conference> conference;
  {
    // A chosen id is taken once: two creations racing for it cannot both win.
    std::lock_guard<std::mutex> guard(core_->conference_creations());
    if (!request.id.is_zero()) {
      auto existing = find_conference(request.id);
      if (!existing) return done(existing.error());
      if (*existing) return done(Error::conflict("a conference with this id already exists"));
    }
    conference = new_conference(engine, request);
    insert(engine, conference);
  }
  Result<Conference> created = *conference;
  if (!engine.writer) {
    spawn_conference(engine, std::move(conference));
    return done(std::move(created));
  }
  engine.writer->acknowledge_or_withdraw(
      {conference->id}, [this, conference, created = std::move(created),
                         done = std::move(done)](const Status& committed) mutable {
        auto& engine = core_->context();
        if (!committed) {
          engine.registry.conferences.erase(conference->id);
          return done(committed.error());
        }
        auto actor = spawn_conference(engine, conference);
        if (core_->stopping()) caf::anon_send(actor, hangup_atom::value, LegCause::normal);
        done(std::move(created));
      });
}

Result<Conference> Engine::create_conference(const ConferenceCreate& request) {
  return wait_for<Conference>([&](auto done) { create_conference(request, std::move(done)); });
}

Result<Conference> Engine::conference(const Uuid& customer_id, const Uuid& id) const {
  return owned(find_conference(id), customer_id, "conference");
}

Result<std::vector<Conference>> Engine::conferences(const Uuid& customer_id, std::size_t limit,
                                                    std::optional<Timestamp> before) const {
  auto& engine = core_->context();
  return listed(
      engine.store, engine.registry.conferences,
      [&](Store& s) { return s.conferences(customer_id, limit, before); }, customer_id, limit,
      before);
}

void Engine::update_conference(const Uuid& customer_id, const Uuid& id,
                               const ConferenceUpdate& update,
                               std::function<void(Result<Conference>)> done) {
  auto& engine = core_->context();
  auto found = here(owned(find_conference(id), customer_id, "conference"),
                    engine.registry.conferences, "conference");
  if (!found) return done(found.error());
  if (auto status = validate(update); !status) return done(status.error());
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto actor = engine.registry.conferences.actor(id);
  if (!actor) {
    return done(Error::conflict("conference is " + std::string(to_string(found->status))));
  }
  auto answer = [&engine, done = std::move(done)](Result<Conference> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  caf::anon_send(
      caf::actor_cast<conference_actor>(actor), update_atom::value, update,
      ConferenceReply(answer_once<Conference>(
          std::move(answer), [this, customer_id, id] { return conference(customer_id, id); })));
}

void Engine::delete_conference(const Uuid& customer_id, const Uuid& id,
                               std::function<void(Result<Conference>)> done) {
  auto& engine = core_->context();
  auto lookup = find_conference(id);
  auto found =
      here(owned(lookup, customer_id, "conference"), engine.registry.conferences, "conference");
  if (!found) return done(found.error());
  auto snapshot = *lookup;
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto answer = [&engine, done = std::move(done)](Result<Conference> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  if (auto actor = engine.registry.conferences.actor(id)) {
    return caf::anon_send(
        caf::actor_cast<conference_actor>(actor), delete_atom::value,
        ConferenceReply(answer_once<Conference>(
            std::move(answer), [this, customer_id, id] { return conference(customer_id, id); })));
  }
  if (!is_final(snapshot->status)) {
    return done(Error::conflict("conference is starting; retry the delete"));
  }
  answer(*chorus::delete_conference(engine, snapshot));
}

void Engine::join_conference(const ConferencecallJoin& request,
                             std::function<void(Result<Conferencecall>)> done) {
  if (auto status = validate(request); !status) return done(status.error());
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto& engine = core_->context();
  // A conference another node runs: the join goes to that node.
  auto conference =
      here(owned(find_conference(request.conference_id), request.customer_id, "conference"),
           engine.registry.conferences, "conference");
  if (!conference) return done(conference.error());
  if (is_final(conference->status)) return done(Error::conflict("conference is terminated"));
  // An ended call may be known to the store only; the conference sees live ones.
  auto call = owned(find_call(request.reference_id), request.customer_id, "call");
  if (!call) return done(call.error());
  if (is_final(call->status)) return done(Error::conflict("call has ended"));
  auto answer = [&engine, done = std::move(done)](Result<Conferencecall> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  // A node bridges only the calls it runs itself: the participant of a call
  // another node runs runs there (actors/conference_peers.hpp).
  auto where = engine.registry.calls.find(call->id) ? Seat::here : Seat::peer;
  if (where == Seat::peer && !engine.peers()) return done(Error::not_found("call"));
  chorus::join_conference(engine, request.customer_id, request.conference_id, request.reference_id,
                          where,
                          ConferencecallReply(answer_once<Conferencecall>(std::move(answer), [] {
                            return Result<Conferencecall>(Error::conflict("conference has ended"));
                          })));
}

Result<Conferencecall> Engine::conferencecall(const Uuid& customer_id, const Uuid& id) const {
  return owned(find_conferencecall(id), customer_id, "conferencecall");
}

Result<std::vector<Conferencecall>> Engine::conferencecalls(const Uuid& customer_id,
                                                            std::size_t limit,
                                                            std::optional<Timestamp> before) const {
  auto& engine = core_->context();
  return listed(
      engine.store, engine.registry.conferencecalls,
      [&](Store& s) { return s.conferencecalls(customer_id, limit, before); }, customer_id, limit,
      before);
}

void Engine::kick_conferencecall(const Uuid& customer_id, const Uuid& id,
                                 std::function<void(Result<Conferencecall>)> done) {
  auto& engine = core_->context();
  auto found = here(owned(find_conferencecall(id), customer_id, "conferencecall"),
                    engine.registry.conferencecalls, "conferencecall");
  if (!found) return done(found.error());
  if (auto status = core_->accepting_writes(); !status) return done(status.error());
  auto actor = engine.registry.conferencecalls.actor(id);
  if (!actor) {
    return done(
        Error::conflict("conferencecall is already " + std::string(to_string(found->status))));
  }
  auto answer = [&engine, done = std::move(done)](Result<Conferencecall> result) {
    answer_when_committed(engine, std::move(result), done);
  };
  caf::anon_send(caf::actor_cast<conferencecall_actor>(actor), leave_atom::value,
                 ConferencecallReply(answer_once<Conferencecall>(
                     std::move(answer), [this, customer_id, id]() -> Result<Conferencecall> {
                       auto now = conferencecall(customer_id, id);
                       if (!now) return now;
                       return Error::conflict("conferencecall is already " +
                                              std::string(to_string(now->status)));
                     })));
}

}  // namespace chorus
