// POST /v1.0/calls: one call or groupcall per destination, as VoIPbin places them.
#include <memory>
#include <mutex>
#include <string>

#include "actors/engine.hpp"
#include "actors/engine_core.hpp"

namespace chorus {

namespace {

bool rings_a_group(const Address& a) {
  return a.type == AddressType::agent || a.type == AddressType::extension;
}

// The groupcall that places destination `index` of `request`: a plain destination
// alone; an agent's addresses or an extension's contacts, owned by it.
Result<GroupcallRequest> placement(const CallsRequest& request, std::size_t index,
                                   const Directory& directory) {
  const Address& destination = request.destinations[index];
  const std::string field = "destinations[" + std::to_string(index) + "]";
  GroupcallRequest g;
  g.customer_id = request.customer_id;
  g.source = request.source;
  g.ring_timeout = request.ring_timeout;
  g.answer_timeout = request.answer_timeout;
  g.master_call_id = request.master_call_id;
  g.alert_info = request.alert_info;
  if (destination.type == AddressType::agent) {
    auto id = Uuid::parse(destination.target.view());
    auto agent = id ? directory.find_agent(request.customer_id, *id) : std::nullopt;
    if (!agent) return Error::invalid(field, "must name one of your agents");
    g.destinations = agent->addresses;
    g.ring_method = agent->ring_method;
    g.owner_type = "agent";
    g.owner_id = agent->id;
  } else if (destination.type == AddressType::extension) {
    auto extension = directory.find_extension(request.customer_id, destination);
    if (!extension) return Error::invalid(field, "must name one of your extensions");
    g.destinations = extension->contacts;
    g.owner_type = "extension";
    g.owner_id = extension->id;
  } else {
    g.destinations = {destination};
  }
  if (g.destinations.empty()) return Error::invalid(field, "has no address to ring");
  return g;
}

// A plain destination is checked as destinations[0] of its own groupcall: its
// error names it by its place in the request.
Error renumbered(Error error, const Address& destination, std::size_t index) {
  static const std::string alone = "destinations[0]";
  if (rings_a_group(destination) || error.field.compare(0, alone.size(), alone) != 0) return error;
  auto place = "destinations[" + std::to_string(index) + "]";
  error.field.replace(0, alone.size(), place);
  auto at = error.message.find(alone);
  if (at != std::string::npos) error.message.replace(at, alone.size(), place);
  return error;
}

// Collects the placements' answers; answers once, when the last has come.
struct Placements {
  std::mutex mutex;
  std::size_t waiting = 0;
  std::vector<std::optional<Groupcall>> created;
  std::vector<bool> groups;
  std::optional<Error> failure;
  std::function<void(Result<CallsCreated>)> done;
  std::function<std::optional<Call>(const Uuid&)> call;

  void arrived(std::size_t index, Result<Groupcall> result) {
    {
      std::lock_guard<std::mutex> guard(mutex);
      if (result) {
        created[index] = std::move(result).value();
      } else if (!failure) {
        failure = result.error();
      }
      if (--waiting > 0) return;
    }
    if (failure) return done(*failure);
    CallsCreated answer;
    for (std::size_t i = 0; i < created.size(); ++i) {
      if (groups[i]) {
        answer.groupcalls.push_back(std::move(*created[i]));
      } else if (auto c = call(created[i]->call_ids.front())) {
        answer.calls.push_back(std::move(*c));
      }
    }
    done(std::move(answer));
  }
};

}  // namespace

void Engine::create_calls(const CallsRequest& request,
                          std::function<void(Result<CallsCreated>)> done) {
  auto& engine = core_->context();
  if (request.destinations.empty()) {
    return done(Error::invalid("destinations", "must not be empty"));
  }
  if (request.destinations.size() > engine.options.max_destinations) {
    return done(Error::limit(
        "destinations",
        "at most " + std::to_string(engine.options.max_destinations) + " destinations"));
  }
  std::vector<GroupcallRequest> placements;
  for (std::size_t i = 0; i < request.destinations.size(); ++i) {
    auto placed = placement(request, i, engine.directory);
    if (!placed) return done(placed.error());
    if (auto status = core_->admissible(*placed); !status) {
      return done(renumbered(status.error(), request.destinations[i], i));
    }
    placements.push_back(std::move(placed).value());
  }
  auto all = std::make_shared<Placements>();
  all->waiting = placements.size();
  all->created.resize(placements.size());
  for (auto& d : request.destinations) all->groups.push_back(rings_a_group(d));
  all->done = std::move(done);
  all->call = [this, customer = request.customer_id](const Uuid& id) -> std::optional<Call> {
    auto found = call(customer, id);
    return found ? std::optional<Call>(*found) : std::nullopt;
  };
  for (std::size_t i = 0; i < placements.size(); ++i) {
    core_->create_groupcall(placements[i],
                            [all, i](Result<Groupcall> created) { all->arrived(i, created); });
  }
}

}  // namespace chorus
