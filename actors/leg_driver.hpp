#pragma once
// The leg driver: the engine's port to whatever carries the signalling (the
// simulated driver and the SIP driver in transport/, or an embedding softswitch).
// Drivers implement it from outside the engine; nothing here names a CAF type.
//
// The engine asks a driver to dial, cancel and hang up legs; the driver reports
// what the far end did through the leg's LegLine. Threading contract:
//  - dial/cancel/hangup are called from engine threads, concurrently for
//    different legs, never concurrently for the same leg, and must not block;
//  - LegLine::report may be called from any thread at any time, even after the
//    engine stopped caring about the leg (the report is then dropped).
// Lines are made by the engine only; a driver copies, keeps and reports on them.

#include <cstdint>
#include <string>
#include <string_view>

#include "model/address.hpp"
#include "model/call.hpp"
#include "model/result.hpp"
#include "model/uuid.hpp"

namespace chorus {

class TimerService;

// What the far end did.
enum class LegReport : std::uint8_t {
  ringing,        // 180/183: the destination is alerting
  answered,       // 200 OK
  busy,           // 486/600
  rejected,       // 603 and other explicit refusals
  failed,         // unreachable, 5xx, transport errors
  no_answer,      // the far end gave up ringing (408/480)
  remote_hangup,  // BYE from the far end after answer
};

// Why the engine ends a leg, so a driver can signal it: a SIP driver sends
// `Reason: SIP;cause=200;text="Call completed elsewhere"` for answered_elsewhere.
enum class LegCause : std::uint8_t {
  normal,              // the caller or the API hung up
  answered_elsewhere,  // another destination of the groupcall answered first
  ring_timeout,        // the destination rang past its ring_timeout
  answer_timeout,      // the groupcall's answer_timeout passed
  failed,              // the engine lost the leg's controller (a crashed actor)
};

std::string_view to_string(LegReport report);
std::string_view to_string(LegCause cause);

// What a conference's bridge did with a call the engine asked it to move.
enum class BridgeReport : std::uint8_t {
  joined,  // the call's media is in the conference's bridge
  left,    // the call's media is out of it again
};

std::string_view to_string(BridgeReport report);

namespace detail {

struct EngineActor;  // an engine actor, opaque outside the engine
struct LineAccess;   // how the engine makes lines (actors/line_access.hpp)

// A weak reference to an engine actor: cheap to copy, safe from any thread, and
// never keeps an ended actor alive.
class ActorLine {
 public:
  ActorLine() noexcept = default;
  ActorLine(const ActorLine& other) noexcept;
  ActorLine(ActorLine&& other) noexcept;
  ActorLine& operator=(ActorLine other) noexcept;
  ~ActorLine();
  explicit operator bool() const noexcept { return actor_ != nullptr; }

 protected:
  explicit ActorLine(EngineActor* actor) noexcept;
  // A strong reference for the caller to adopt, or null when the actor has ended.
  EngineActor* lock() const noexcept;

 private:
  EngineActor* actor_ = nullptr;  // weak reference
};

}  // namespace detail

// The driver's line back to one leg.
class LegLine : public detail::ActorLine {
 public:
  LegLine() noexcept = default;
  // Delivers a report to the leg; false when the leg has already ended.
  bool report(LegReport report) const;
  // Reports an answer that carries the far end's SDP (an embedding softswitch
  // bridges media with it; the engine only hands it on, in Call::sdp_answer).
  bool answered(std::string sdp) const;

 private:
  friend struct detail::LineAccess;
  using ActorLine::ActorLine;
};

// The driver's line back to one participant of a conference.
class BridgeLine : public detail::ActorLine {
 public:
  BridgeLine() noexcept = default;
  // Confirms a join or a leave; false when the participant has already ended.
  bool confirm(BridgeReport report) const;

 private:
  friend struct detail::LineAccess;
  using ActorLine::ActorLine;
};

// The driver's line back to a groupcall that handed it a routing instruction.
class RouteLine : public detail::ActorLine {
 public:
  RouteLine() noexcept = default;
  // Says the instruction was carried out (or could not be); false when the
  // groupcall has already ended.
  bool complete() const;

 private:
  friend struct detail::LineAccess;
  using ActorLine::ActorLine;
};

struct DialRequest {
  const Call& call;             // the leg: id, source, destination, groupcall
  std::string_view alert_info;  // e.g. an Alert-Info header value; may be empty
  std::string_view sdp_offer;   // the caller's SDP offer, when the embedder gave one
  LegLine line;                 // where to report what happens
};

// An answered call going into, or out of, a conference's bridge.
struct BridgeRequest {
  const Uuid& conference_id;
  const Uuid& conferencecall_id;
  const Uuid& call_id;  // an answered leg this driver dialled
  BridgeLine line;      // where to confirm
};

// An unanswered ring group's failover to a service of the softswitch (voicemail,
// IVR, call flow, queue, a prompt): the call of `master_call_id` from `source` is
// to be routed there. Yeastar's fail_dest strings name the service.
struct RouteRequest {
  const Uuid& groupcall_id;
  const Uuid& master_call_id;
  const Address& source;
  std::string_view dest;    // "ext_vm", "group_vm", "ivr", "call_flow", "queue", "play_greeting"
  std::string_view prefix;  // the group's *_prefix (play_greeting: the play count)
  std::string_view value;   // the destination id, or the prompt's file name
  RouteLine line;           // where to say it is done
};

class LegDriver {
 public:
  virtual ~LegDriver() = default;

  // Called once before the first dial, with the engine's timer service.
  virtual void start(TimerService& timers) { (void)timers; }
  // Called once after the last leg ended; no call follows.
  virtual void stop() {}

  // Whether this driver can dial `destination` (a leaf: tel, sip, endpoint, or a
  // contact); the engine asks before it creates anything, and refuses the request
  // with the reason (400, naming `field`) when the driver cannot.
  virtual Status can_dial(const Address& destination, std::string_view field) const;

  virtual void dial(const DialRequest& request) = 0;
  // Ends a leg that has not been answered.
  virtual void cancel(const Uuid& call_id, LegCause cause) = 0;
  // Ends an answered leg.
  virtual void hangup(const Uuid& call_id, LegCause cause) = 0;

  // Puts an answered leg into a conference's bridge, and takes it out again; each
  // is confirmed through the request's line (joined, left), later or at once. A
  // leave may come before the join was confirmed, and for a leg that has since
  // ended: it is confirmed all the same. A driver that carries no media (as
  // chorusd itself carries none) has nothing to move and confirms at once.
  virtual void join_bridge(const BridgeRequest& request);
  virtual void leave_bridge(const BridgeRequest& request);

  // Carries out a routing instruction and completes its line, later or at once.
  // A driver without such services completes at once: the groupcall records the
  // failover it took and ends.
  virtual void route(const RouteRequest& request);
};

}  // namespace chorus
