#pragma once
// The Chorus engine, as an embedding softswitch (or chorusd) sees it: start it
// with a leg driver, create groupcalls, read calls and groupcalls, fill the
// directory, subscribe to events, hang up. CAF stays behind this header.
//
//   auto engine = chorus::Engine(std::make_shared<chorus::SimulatedLegDriver>());
//   auto sub = engine.subscribe_all([](const chorus::Event& e) { puts(e.to_json().c_str()); });
//   auto gc = engine.create_groupcall(request);   // Result<Groupcall>
//
// Every method is safe from any thread. Callbacks (events, hangup replies) run on
// engine threads: keep them short and never call back into the engine blocking.
//
// Given a store (SqliteStore, or another backend of actors/store.hpp), every write
// answers only once it is committed, every event leaves only once the state it
// carries is committed, and history is read from the store. Call recover() once
// at start (after subscribing, to see its events) to load the directory and end
// whatever was live when the previous process died.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/conference_peers.hpp"
#include "actors/event_sink.hpp"
#include "actors/leg_driver.hpp"
#include "actors/store.hpp"
#include "actors/timer_service.hpp"
#include "config/engine_options.hpp"
#include "model/call.hpp"
#include "model/conference.hpp"
#include "model/conference_request.hpp"
#include "model/conferencecall.hpp"
#include "model/directory_entry.hpp"
#include "model/event.hpp"
#include "model/extension_group.hpp"
#include "model/groupcall.hpp"
#include "model/instant_group_call.hpp"
#include "model/missed_call.hpp"
#include "model/result.hpp"
#include "model/ring_group.hpp"
#include "model/topic.hpp"

namespace chorus {

class EngineCore;
class SubscriptionLink;

// What a caller asks for; the engine fills ids, status, timestamps.
struct GroupcallRequest {
  Uuid customer_id;
  Address source;
  std::vector<Address> destinations;
  RingMethod ring_method = RingMethod::unset;
  AnswerMethod answer_method = AnswerMethod::unset;
  std::int32_t ring_timeout = Groupcall::default_ring_timeout;  // seconds, > 0
  std::int32_t answer_timeout = 0;                              // seconds, 0 = none
  Uuid master_call_id;
  std::string owner_type;
  Uuid owner_id;
  std::string alert_info;  // handed to the driver with every dial
  // The caller's SDP offer, handed to the driver with every dial (a SIP driver
  // sends it in the INVITE); the winner's answer comes back in Call::sdp_answer.
  // Embedding API only: chorusd carries no media.
  std::string sdp_offer;
  // Extension: a live conference of the same customer that the winning leg joins
  // as soon as it answers.
  Uuid conference_id;
  // Extensions: run the whole schedule again this many more times when nobody
  // answered; end the whole groupcall when one destination declines.
  std::int32_t repeats = 0;
  bool fail_on_single_reject = false;
};

// POST /v1.0/calls, VoIPbin's way to place single calls: each destination rings on
// its own. A plain one (tel, sip, endpoint) becomes a call (in a groupcall of one
// destination, as every Chorus call is); an agent or extension becomes a groupcall
// ringing its addresses or contacts, owned by it.
struct CallsRequest {
  Uuid customer_id;
  Address source;
  std::vector<Address> destinations;
  std::int32_t ring_timeout = Groupcall::default_ring_timeout;
  std::int32_t answer_timeout = 0;
  Uuid master_call_id;
  std::string alert_info;
};
// A call to an instant group call (the embedding API).
struct InstantGroupCallDial {
  Uuid customer_id;
  std::string target;  // its serviceUserId or phoneNumber
  Address source;
  Uuid master_call_id;
};

// A call routed to a ring group's number (the embedding API).
struct RingGroupCallRequest {
  Uuid customer_id;
  std::string number;  // the ring group's number (or its id)
  Address source;
  Uuid master_call_id;
};

struct CallsCreated {
  std::vector<Call> calls;
  std::vector<Groupcall> groupcalls;
};

using EventCallback = std::function<void(const Event&)>;

// A live subscription; destroying it (or cancel()) stops delivery. Topics may
// change while it lives. Engine::stop() ends every subscription.
class Subscription {
 public:
  Subscription() = default;
  explicit Subscription(std::shared_ptr<SubscriptionLink> link) : link_(std::move(link)) {}
  Subscription(Subscription&&) noexcept = default;
  Subscription& operator=(Subscription&& other) noexcept;
  ~Subscription();
  void cancel();
  // Adds or drops topics; a topic held twice is held once. No effect once ended.
  void add_topics(const std::vector<Topic>& topics);
  void remove_topics(const std::vector<Topic>& topics);

 private:
  std::shared_ptr<SubscriptionLink> link_;
};

struct EngineStats {
  std::size_t live_groupcalls = 0;
  std::size_t live_calls = 0;
  std::size_t live_conferences = 0;
  std::size_t live_conferencecalls = 0;
  std::size_t pending_timers = 0;
  std::uint64_t events_published = 0;
  // Live resources by status (indexed by the status enum's value), legs dialled
  // since start, and legs ended by hangup_reason (indexed by the enum's value).
  std::array<std::size_t, 6> groupcalls_by_status{};
  std::array<std::size_t, 6> calls_by_status{};
  std::uint64_t legs_dialled = 0;
  std::array<std::uint64_t, 9> legs_ended_by_reason{};
  // Ring timeouts: from the deadline to the legs being told to stop ringing.
  std::uint64_t ring_timeouts = 0;
  std::chrono::microseconds ring_timeout_lateness_p50{0};
  std::chrono::microseconds ring_timeout_lateness_p99{0};
  // The durable store (all zero without one).
  bool store = false;
  std::uint64_t store_commits = 0;
  std::uint64_t store_rows = 0;     // row writes, after coalescing
  std::uint64_t store_changes = 0;  // changes queued, before coalescing
  std::uint64_t store_failures = 0;
  std::uint64_t store_purged = 0;
  std::chrono::microseconds store_commit_p50{0};
  std::chrono::microseconds store_commit_p99{0};
};

// What recover() found and did.
struct Recovery {
  std::size_t agents = 0;
  std::size_t extensions = 0;
  std::size_t groupcalls_ended = 0;  // live when the process died, now hangup
  std::size_t calls_ended = 0;
  std::size_t conferences_ended = 0;      // now terminated
  std::size_t conferencecalls_ended = 0;  // now leaved
};

class Engine {
 public:
  explicit Engine(std::shared_ptr<LegDriver> driver, EngineOptions options = {},
                  std::shared_ptr<Store> store = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Validates, resolves nested destinations against the directory, and starts
  // ringing. The result is the groupcall as created (status progressing, call_ids
  // and groupcall_ids of the branches dialled first), readable at once. `done`
  // runs once the creation is committed; the other form waits for it (never call
  // it from an engine callback).
  void create_groupcall(const GroupcallRequest& request,
                        std::function<void(Result<Groupcall>)> done);
  Result<Groupcall> create_groupcall(const GroupcallRequest& request);

  // Validates every destination first (a refused request places nothing), then
  // places one call or groupcall per destination; answers once all are committed.
  void create_calls(const CallsRequest& request, std::function<void(Result<CallsCreated>)> done);

  // Reads; another customer's resource is not_found, exactly like a missing one.
  // With a store, a read it fails answers its error (unavailable), never a
  // not_found or an empty page that would pass for the truth.
  Result<Groupcall> groupcall(const Uuid& customer_id, const Uuid& id) const;
  Result<Call> call(const Uuid& customer_id, const Uuid& id) const;
  // Newest first, at most `limit`, created strictly before `before` when given.
  Result<std::vector<Groupcall>> groupcalls(const Uuid& customer_id, std::size_t limit,
                                            std::optional<Timestamp> before = std::nullopt) const;
  Result<std::vector<Call>> calls(const Uuid& customer_id, std::size_t limit,
                                  std::optional<Timestamp> before = std::nullopt) const;

  // Hangs up; `done` receives the resource as it is once the hangup has begun
  // (hangingup while legs are still ending), or the error.
  void hangup_groupcall(const Uuid& customer_id, const Uuid& id,
                        std::function<void(Result<Groupcall>)> done);
  void hangup_call(const Uuid& customer_id, const Uuid& id, std::function<void(Result<Call>)> done);
  // Deletes: hangs up if live, then stamps tm_delete and drops the resource from
  // lists (GET by id still shows it), publishing groupcall_deleted or call_deleted.
  void delete_groupcall(const Uuid& customer_id, const Uuid& id,
                        std::function<void(Result<Groupcall>)> done);
  void delete_call(const Uuid& customer_id, const Uuid& id, std::function<void(Result<Call>)> done);

  // Conferences. A creation answers once committed, with status progressing; an
  // update or delete goes through the conference's actor (409 once it has ended,
  // for an update). DELETE terminates: every participant leaves, then tm_delete
  // is stamped.
  void create_conference(const ConferenceCreate& request,
                         std::function<void(Result<Conference>)> done);
  Result<Conference> create_conference(const ConferenceCreate& request);
  Result<Conference> conference(const Uuid& customer_id, const Uuid& id) const;
  Result<std::vector<Conference>> conferences(const Uuid& customer_id, std::size_t limit,
                                              std::optional<Timestamp> before = std::nullopt) const;
  void update_conference(const Uuid& customer_id, const Uuid& id, const ConferenceUpdate& update,
                         std::function<void(Result<Conference>)> done);
  void delete_conference(const Uuid& customer_id, const Uuid& id,
                         std::function<void(Result<Conference>)> done);

  // Conferencecalls: an answered call joins a live conference (joining until the
  // driver confirms); a kick makes it leave (409 once it is leaving or leaved).
  void join_conference(const ConferencecallJoin& request,
                       std::function<void(Result<Conferencecall>)> done);
  Result<Conferencecall> conferencecall(const Uuid& customer_id, const Uuid& id) const;
  Result<std::vector<Conferencecall>> conferencecalls(
      const Uuid& customer_id, std::size_t limit,
      std::optional<Timestamp> before = std::nullopt) const;
  void kick_conferencecall(const Uuid& customer_id, const Uuid& id,
                           std::function<void(Result<Conferencecall>)> done);

  // A node of a cluster: a call another node runs joins a conference of this one,
  // and a call of this one joins another node's conference, through `peers`
  // (actors/conference_peers.hpp). Connect before recover(), so that what recovery
  // ends is told; nullptr disconnects, once the engine has stopped.
  void connect_conference_peers(std::shared_ptr<ConferencePeers> peers);
  // The peer entry points: what another node's conference or participant asks of
  // this node. Safe from any thread.
  // Seats a call this node runs in another node's conference; `done` gets nothing
  // when the call does not run here (the node that runs it answers).
  void seat_for_peer(const RemoteSeat& seat,
                     std::function<void(std::optional<Result<Conferencecall>>)> done);
  // A call another node runs joins a conference this node runs (its groupcall's
  // winner); `done` gets nothing when the conference does not run here.
  void join_for_peer(const RemoteJoin& join,
                     std::function<void(std::optional<Result<Conferencecall>>)> done);
  // A participant another node runs joined or left a conference this node runs;
  // false when the conference does not run here.
  bool conference_news(const Uuid& conference_id, const Uuid& conferencecall_id,
                       ParticipantNews news);
  // The conference of a participant this node runs has ended on its node: the
  // participant leaves. False when it does not run here.
  bool end_participant_for_peer(const Uuid& conferencecall_id);

  // The directory nested groupcalls ring through. A zero id creates. Writes wait
  // for their commit.
  // A directory entry (agent, extension, extension group, ring group, instant
  // group call) another node of the cluster has committed to the shared store:
  // this node's directory takes it as it is, or drops it when its tm_delete is
  // set. Any other kind of row changes nothing. Safe from any thread.
  void adopt_directory_change(const StoreRow& row);

  Result<Agent> put_agent(Agent agent);
  Result<Agent> remove_agent(const Uuid& customer_id, const Uuid& id);
  std::optional<Agent> agent(const Uuid& customer_id, const Uuid& id) const;
  std::vector<Agent> agents(const Uuid& customer_id) const;
  Result<Extension> put_extension(Extension extension);
  Result<Extension> remove_extension(const Uuid& customer_id, const Uuid& id);
  std::optional<Extension> extension(const Uuid& customer_id, const Uuid& id) const;
  std::vector<Extension> extensions(const Uuid& customer_id) const;
  Result<ExtensionGroup> put_extension_group(ExtensionGroup group);
  Result<ExtensionGroup> remove_extension_group(const Uuid& customer_id, const Uuid& id);
  std::optional<ExtensionGroup> extension_group(const Uuid& customer_id, const Uuid& id) const;
  std::vector<ExtensionGroup> extension_groups(const Uuid& customer_id) const;
  // Ring groups (Yeastar's Ring_Group_Detail). Id 0 creates and assigns the next
  // id; a number is unique among a customer's ring groups and extensions.
  Result<RingGroup> put_ring_group(RingGroup group);
  Result<RingGroup> remove_ring_group(const Uuid& customer_id, std::int32_t id);
  std::optional<RingGroup> ring_group(const Uuid& customer_id, std::int32_t id) const;
  std::vector<RingGroup> ring_groups(const Uuid& customer_id) const;  // by id
  // An extension's missed ring-group calls, newest first, at most `limit`,
  // created strictly before `before` when given. not_found for an unknown extension.
  Result<std::vector<MissedCall>> missed_calls(
      const Uuid& customer_id, const Uuid& extension_id, std::size_t limit,
      std::optional<Timestamp> before = std::nullopt) const;

  // Instant group calls (the APIO dialect's services), placed by tenant and group
  // within a customer. A zero id creates; serviceUserId and phoneNumber are each
  // unique within the customer (conflict otherwise). Writes wait for their commit.
  Result<InstantGroupCall> put_instant_group_call(InstantGroupCall service);
  Result<InstantGroupCall> remove_instant_group_call(const Uuid& customer_id, const Uuid& id);
  std::optional<InstantGroupCall> instant_group_call(const Uuid& customer_id,
                                                     const std::string& tenant_id,
                                                     const std::string& group_id,
                                                     const std::string& service_user_id) const;
  // A group's services, by serviceUserId.
  std::vector<InstantGroupCall> instant_group_calls(const Uuid& customer_id,
                                                    const std::string& tenant_id,
                                                    const std::string& group_id) const;
  // Sets `active` of several services of one group in one commit: all or none
  // (not_found naming the first unknown serviceUserId).
  Result<std::vector<InstantGroupCall>> set_instant_group_calls_active(
      const Uuid& customer_id, const std::string& tenant_id, const std::string& group_id,
      const std::vector<std::pair<std::string, bool>>& changes);

  // The embedding API: rings an instant group call (by serviceUserId or
  // phoneNumber) as a groupcall of its own: every destination phone number at
  // once, ending after answerTimeoutMinutes when answerTimeoutEnabled. An
  // inactive one is refused (conflict) and rings nothing.
  void instant_group_call_dial(const InstantGroupCallDial& request,
                               std::function<void(Result<Groupcall>)> done);
  Result<Groupcall> instant_group_call_dial(const InstantGroupCallDial& request);

  // The embedding API: rings the customer's ring group `number` for a call the
  // softswitch routes to it (master_call_id, source), as a groupcall of its own
  // with the group's strategy, availability and failover.
  void ring_group_call(const RingGroupCallRequest& request,
                       std::function<void(Result<Groupcall>)> done);
  Result<Groupcall> ring_group_call(const RingGroupCallRequest& request);

  // Events matching any of `topics` ("customer_id:<id>[:<resource>[:<id>]]"),
  // each delivered once, in order per resource, on an engine thread.
  Result<Subscription> subscribe(const std::vector<std::string>& topics, EventCallback callback);
  // Every customer's events (billing, logging): not for customer-facing use.
  Subscription subscribe_all(EventCallback callback);
  // For a gateway that fans events out itself (the WebSocket gateway): events of
  // the topics the subscription holds go straight to `sink` on the publishing
  // thread, with no actor between; it starts with no topics. stop() calls
  // sink->ended(). With `every_customer`, every event goes to `sink` (what a
  // cluster's event relay publishes to the other nodes).
  Subscription open_subscription(std::shared_ptr<EventSink> sink, bool every_customer = false);

  // With a store: loads the directory and ends what the previous process left
  // live (calls hangup with hangup_reason failed, hangup_by local; groupcalls
  // hangup), publishing their events. Call once, before taking traffic.
  Result<Recovery> recover();
  // Ends resources left live by what can no longer run them (this node's previous
  // process, or a node whose lease this one took over): the same endings and
  // events as recover(). Answers once they are committed, or unavailable once
  // `wait` (default stop_timeout_ms) has passed: the endings stay queued, retried
  // until they commit.
  Result<Recovery> end_left_live(const LeftLive& left,
                                 std::optional<std::chrono::milliseconds> wait = std::nullopt);

  // A node that lost its lease (actors/node_failover.hpp): from now on nothing reaches
  // the store (writes answer unavailable, naming `why`) and every live resource is
  // ended here, its legs hung up through the driver, its endings kept in memory
  // only: the store is the node's that took over. Blocks until nothing is live
  // (forcing after stop_timeout_ms); false when what was queued for the store has
  // not all settled by then (call it again before resuming). resume_writes()
  // undoes the first part, once a new lease is claimed.
  bool abandon_live(const std::string& why);
  void resume_writes();

  // Why the store cannot be written now, if it cannot. Writes are refused with
  // unavailable meanwhile; reads and live calls go on.
  std::optional<std::string> store_fault() const;

  // Refuses new groupcalls from now on (unavailable), leaving live ones to end:
  // the first step of a drain.
  void close_intake();

  // Hangs up every live groupcall, waits up to stop_timeout_ms for the legs to
  // end (then forces them down), and stops every actor. Idempotent.
  void stop();

  EngineStats stats() const;
  TimerService& timers();

 private:
  Result<std::shared_ptr<const Groupcall>> find_groupcall(const Uuid& id) const;
  Result<std::shared_ptr<const Call>> find_call(const Uuid& id) const;
  Result<std::shared_ptr<const Conference>> find_conference(const Uuid& id) const;
  Result<std::shared_ptr<const Conferencecall>> find_conferencecall(const Uuid& id) const;
  template <class Entry, class Key, class Apply>
  Result<Entry> write_directory(const Uuid& customer_id, const Key& id, Apply apply);

  friend class EngineProbe;  // tests: drives the deterministic scheduler
  std::unique_ptr<EngineCore> core_;
};

}  // namespace chorus
