#pragma once
// The leg driver: the seam between the call engine and whatever carries the
// signalling (the simulated driver here, a SIP stack or a softswitch later).
//
// The engine asks a driver to dial, cancel and hang up legs; the driver reports
// what the far end did through the leg's LegLine. Threading contract:
//  - dial/cancel/hangup are called from engine threads, concurrently for
//    different legs, never concurrently for the same leg, and must not block;
//  - LegLine::report may be called from any thread at any time, even after the
//    engine stopped caring about the leg (the report is then dropped).

#include <cstdint>
#include <string>
#include <string_view>

#include "model/call.hpp"
#include "model/uuid.hpp"

namespace caf {
class actor_control_block;
}

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

// The driver's line back to one leg. Cheap to copy, safe to use from any thread.
// It holds a weak reference: a line never keeps an ended leg alive.
class LegLine {
 public:
  LegLine() noexcept = default;
  explicit LegLine(caf::actor_control_block* leg) noexcept;  // engine use only
  LegLine(const LegLine& other) noexcept;
  LegLine(LegLine&& other) noexcept;
  LegLine& operator=(LegLine other) noexcept;
  ~LegLine();

  // Delivers a report to the leg; false when the leg has already ended.
  bool report(LegReport report) const;
  explicit operator bool() const noexcept { return leg_ != nullptr; }

 private:
  caf::actor_control_block* leg_ = nullptr;  // weak reference
};

struct DialRequest {
  const Call& call;             // the leg: id, source, destination, groupcall
  std::string_view alert_info;  // e.g. an Alert-Info header value; may be empty
  LegLine line;                 // where to report what happens
};

class LegDriver {
 public:
  virtual ~LegDriver() = default;

  // Called once before the first dial, with the engine's timer service.
  virtual void start(TimerService& timers) { (void)timers; }
  // Called once after the last leg ended; no call follows.
  virtual void stop() {}

  virtual void dial(const DialRequest& request) = 0;
  // Ends a leg that has not been answered.
  virtual void cancel(const Uuid& call_id, LegCause cause) = 0;
  // Ends an answered leg.
  virtual void hangup(const Uuid& call_id, LegCause cause) = 0;
};

}  // namespace chorus
