#pragma once
// The SIP thread: sofia-sip's su_root and nua, and every leg they carry. Private to
// the driver; no sofia header leaks out of sip_stack.cpp. Orders from engine
// threads go through a mutex-protected queue and one su_msg wake-up per batch, so
// posting costs a lock and, at most, one message.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actors/leg_driver.hpp"
#include "config/sip_options.hpp"
#include "model/uuid.hpp"
#include "transport/sip/sip_metrics.hpp"

namespace chorus {

// One order from the engine, carried into the SIP thread.
struct SipOrder {
  enum class Kind : std::uint8_t { dial, cancel, hangup };
  Kind kind = Kind::dial;
  Uuid call_id;
  LegCause cause = LegCause::normal;
  // dial only: everything prepared on the engine thread.
  LegLine line;
  std::string request_uri;
  std::string from;
  std::string route;
  std::string alert_info;
  std::string sdp_offer;
};

class SipStack {
 public:
  // Starts the SIP thread and waits until it listens; throws std::runtime_error
  // naming the address when it cannot.
  explicit SipStack(SipOptions options);
  ~SipStack();
  SipStack(const SipStack&) = delete;
  SipStack& operator=(const SipStack&) = delete;

  // False once stopped: the order was not taken.
  bool post(SipOrder order);
  // Ends every leg, shuts nua down (bounded), joins the thread. Idempotent.
  void stop();

  const std::string& host() const { return host_; }  // the host we are reached at
  std::uint16_t port() const { return port_; }
  SipMetrics& metrics() { return metrics_; }
  const SipMetrics& metrics() const { return metrics_; }
  std::size_t live_legs() const { return live_legs_.load(std::memory_order_relaxed); }

  class Loop;  // lives on the SIP thread (sip_stack.cpp)

 private:
  friend class Loop;
  void run(std::promise<void>* ready);
  // Takes the orders posted so far (SIP thread).
  std::vector<SipOrder> take_orders();

  SipOptions options_;
  std::string host_;
  std::uint16_t port_ = 0;
  SipMetrics metrics_;
  std::atomic<std::size_t> live_legs_{0};

  std::mutex mutex_;  // guards the fields below
  std::vector<SipOrder> orders_;
  bool wake_pending_ = false;
  bool stopping_ = false;
  Loop* loop_ = nullptr;  // set while the SIP thread runs

  std::mutex stop_mutex_;  // one stop() at a time
  std::thread thread_;
};

}  // namespace chorus
