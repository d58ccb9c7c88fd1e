#include "transport/sip/sip_stack.hpp"

#include <array>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>

// sofia's callbacks carry our types as their "magic" pointers.
#define SU_ROOT_MAGIC_T chorus::SipStack::Loop
#define SU_TIMER_ARG_T chorus::SipStack::Loop
#define NUA_MAGIC_T chorus::SipStack::Loop
#define NUA_HMAGIC_T void  // a leg's serial number, never a pointer (see Leg)

#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/su_tag_class.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>

#include "model/field_limits.hpp"
#include "transport/sip/sip_bind_probe.hpp"
#include "transport/sip/sip_inactive_answer.hpp"
#include "transport/sip/sip_reason.hpp"
#include "transport/sip/sip_response.hpp"
#include "transport/sip/sip_target.hpp"

namespace chorus {

namespace {

using Direction = SipMetrics::Direction;
using Method = SipMetrics::Method;

// nta marks the responses it makes up itself (Timer B's 408, a transport error's
// 503) with this message flag (NTA_INTERNAL_MSG in sofia's nta_internal.h; bit 15
// of msg flags, which nta sets on no message it parsed from the wire).
constexpr unsigned internal_response_flag = 1U << 15;

// How long stop() lets nua end its transactions before tearing it down.
constexpr std::chrono::milliseconds shutdown_limit{2000};
// How long start-up waits for nua to tell where it listens.
constexpr int startup_steps = 50;
constexpr long startup_step_ms = 100;

// The UDP socket's receive and send buffers.
constexpr unsigned udp_buffer_bytes = 4U << 20;

// The largest SIP message nta accepts: an SDP body at its limit and the headers.
constexpr unsigned max_message_size = field_limits::sdp + 16 * 1024;

// What we answer: requests of our own dialogs, and OPTIONS. nua refuses any other
// method with 405 naming these.
constexpr const char* allowed_methods = "INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK";

constexpr const char* decline_warning = "399 chorus \"Chorus places calls; it takes none\"";

// The nua events that carry a request from the far end.
constexpr std::array<nua_event_t, 16> request_events{
    nua_i_invite,    nua_i_cancel, nua_i_ack,    nua_i_bye,     nua_i_options, nua_i_refer,
    nua_i_publish,   nua_i_prack,  nua_i_info,   nua_i_update,  nua_i_message, nua_i_chat,
    nua_i_subscribe, nua_i_notify, nua_i_method, nua_i_register};

bool is_request_event(nua_event_t event) {
  for (auto e : request_events) {
    if (e == event) return true;
  }
  return false;
}

// sofia's own diagnostics ("nta: INVITE: Connection refused") go to our log at
// debug level instead of stderr: a far end can make them as often as it likes.
void log_sofia(void*, char const* format, va_list arguments) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  std::array<char, 512> line{};
  std::vsnprintf(line.data(), line.size(), format, arguments);
  std::string_view text(line.data());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (!text.empty()) spdlog::debug("sofia: {}", text);
}

void redirect_sofia_logs() {
  static std::once_flag once;
  std::call_once(once, [] {
    su_log_redirect(su_log_default, &log_sofia, nullptr);
    su_log_redirect(su_log_global, &log_sofia, nullptr);
  });
}

bool is_internal(sip_t const* sip) {
  return sip == nullptr || (sip->sip_flags & internal_response_flag) != 0;
}

// Any text we put into a header, without what could end the header early.
std::string header_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) out.push_back(c);
  }
  return out;
}

// The body of a message when it is SDP, or empty.
std::string_view sdp_of(sip_t const* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) {
    return {};
  }
  if (sip->sip_content_type && sip->sip_content_type->c_type &&
      su_casematch(sip->sip_content_type->c_type, "application/sdp") == 0) {
    return {};
  }
  return {sip->sip_payload->pl_data, sip->sip_payload->pl_len};
}

}  // namespace

// Everything that lives on the SIP thread. Only that thread touches it, except
// wake(), which engine threads call under the stack's mutex.
class SipStack::Loop {
 public:
  explicit Loop(SipStack& stack) : stack_(stack) {}
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Creates the root and nua and learns where it listens; an error sentence, or
  // empty on success.
  std::string start(const SipOptions& options);
  void run() { su_root_run(root_); }
  void finish();
  // Any thread, under the stack's mutex: asks the SIP thread to take its orders.
  bool wake();

 private:
  enum class Phase : std::uint8_t { calling, ringing, cancelling, answered, closing };
  // A leg we dialled. Its handle's magic is its serial number, not a pointer, so
  // an event for an ended leg finds nothing instead of freed memory.
  struct Leg {
    Uuid call_id;
    LegLine line;
    nua_handle_t* handle = nullptr;
    Phase phase = Phase::calling;
    bool sent_offer = false;
    LegCause cause = LegCause::normal;  // why we cancelled, for a crossing 200's BYE
  };

  static void on_wake(Loop* loop, su_msg_r msg, su_msg_arg_t* arg);
  static void on_event(nua_event_t event, int status, char const* phrase, nua_t* nua, Loop* loop,
                       nua_handle_t* nh, void* hmagic, sip_t const* sip, tagi_t tags[]);
  static void on_shutdown_limit(Loop* loop, su_timer_t* timer, Loop* arg);

  void take_orders();
  void dial(SipOrder& order);
  void end_by_engine(const Uuid& call_id, LegCause cause);
  void begin_shutdown();

  void handle(nua_event_t event, int status, nua_handle_t* nh, void* hmagic, sip_t const* sip,
              tagi_t tags[]);
  void count_received(nua_event_t event, int status, sip_t const* sip);
  void on_params(tagi_t tags[]);
  void on_invite_response(Leg& leg, std::uint64_t serial, int status, sip_t const* sip);
  void on_answer(Leg& leg, std::uint64_t serial, sip_t const* sip);
  void on_remote_bye(Leg* leg);
  void on_inbound_invite(nua_handle_t* nh, void* hmagic);
  void on_state(nua_handle_t* nh, void* hmagic, tagi_t tags[]);

  void ack(Leg& leg, sip_t const* sip);
  void send_cancel(Leg& leg, LegCause cause);
  void send_bye(Leg& leg, LegCause cause);
  void close_leg(std::uint64_t serial);
  void end_leg(std::uint64_t serial);
  Leg* leg_of(void* hmagic, std::uint64_t& serial);

  SipStack& stack_;
  su_root_t* root_ = nullptr;
  nua_t* nua_ = nullptr;
  su_timer_t* shutdown_timer_ = nullptr;
  bool have_params_ = false;
  bool shutting_down_ = false;
  std::uint64_t next_serial_ = 1;
  std::unordered_map<std::uint64_t, Leg> legs_;
  std::unordered_map<Uuid, std::uint64_t> serials_;
};

std::string SipStack::Loop::start(const SipOptions& options) {
  redirect_sofia_logs();
  if (auto listen = parse_sip_listen(options.listen); listen) {
    auto refused = sip_bind_probe(listen->host, listen->port);
    if (!refused.empty()) return "cannot listen for SIP on " + options.listen + ": " + refused;
  }
  root_ = su_root_create(this);
  if (root_ == nullptr) return "cannot create the SIP event loop";
  su_root_threading(root_, 0);  // nua runs on this thread too: one thread, no hand-offs
  std::string url = "sip:" + options.listen;
  std::string agent = header_safe(options.user_agent);
  nua_ = nua_create(root_, &Loop::on_event, this, NUTAG_URL(url.c_str()),
                    NUTAG_MEDIA_ENABLE(0),  // the SDP is ours, or nobody's
                    NUTAG_AUTOACK(0),       // we ACK, so an offer in a 200 gets its answer
                    NUTAG_AUTOANSWER(0), SIPTAG_ALLOW_STR(allowed_methods),
                    SIPTAG_USER_AGENT_STR(agent.c_str()),
                    NTATAG_SIP_T1(static_cast<unsigned>(options.t1.count())),
                    NTATAG_SIP_T1X64(static_cast<unsigned>(options.timer_b.count())),
                    NTATAG_TIMER_C(static_cast<unsigned>(options.timer_c.count())),
                    NTATAG_MAXSIZE(max_message_size),
                    // A burst of answers (100 groupcalls' 180s, 200s and 487s) overflows
                    // the kernel's default 208 KiB, and each lost datagram costs a
                    // retransmission T1 later. The kernel caps this at net.core.rmem_max.
                    TPTAG_UDP_RMEM(udp_buffer_bytes), TPTAG_UDP_WMEM(udp_buffer_bytes), TAG_END());
  if (nua_ == nullptr) return "cannot listen for SIP on " + options.listen;
  nua_get_params(nua_, TAG_ANY(), TAG_END());
  for (int i = 0; i < startup_steps && !have_params_; ++i) su_root_step(root_, startup_step_ms);
  if (!have_params_ || stack_.port_ == 0) return "SIP on " + options.listen + " reports no port";
  return {};
}

void SipStack::Loop::finish() {
  legs_.clear();
  serials_.clear();
  stack_.live_legs_.store(0, std::memory_order_relaxed);
  if (shutdown_timer_) su_timer_destroy(shutdown_timer_);
  shutdown_timer_ = nullptr;
  if (nua_) nua_destroy(nua_);
  nua_ = nullptr;
  if (root_) su_root_destroy(root_);
  root_ = nullptr;
}

bool SipStack::Loop::wake() {
  su_msg_r msg = SU_MSG_R_INIT;
  if (su_msg_create(msg, su_root_task(root_), su_task_null, &Loop::on_wake, 0) != 0) return false;
  return su_msg_send(msg) == 0;
}

void SipStack::Loop::on_wake(Loop* loop, su_msg_r, su_msg_arg_t*) {
  loop->take_orders();
}

void SipStack::Loop::take_orders() {
  bool stopping = false;
  auto orders = stack_.take_orders();
  {
    std::lock_guard<std::mutex> guard(stack_.mutex_);
    stopping = stack_.stopping_;
  }
  for (auto& order : orders) {
    switch (order.kind) {
      case SipOrder::Kind::dial:
        if (stopping) break;  // the engine has stopped: nothing rings any more
        dial(order);
        break;
      case SipOrder::Kind::cancel:
      case SipOrder::Kind::hangup:
        end_by_engine(order.call_id, order.cause);
        break;
    }
  }
  if (stopping && !shutting_down_) begin_shutdown();
}

void SipStack::Loop::dial(SipOrder& order) {
  if (serials_.count(order.call_id) != 0) return;  // dialled already: the engine dials once
  auto serial = next_serial_++;
  auto* magic = reinterpret_cast<void*>(static_cast<std::uintptr_t>(serial));
  std::string to = "<" + order.request_uri + ">";
  nua_handle_t* nh = nua_handle(
      nua_, magic, SIPTAG_TO_STR(to.c_str()), SIPTAG_FROM_STR(order.from.c_str()),
      TAG_IF(!order.route.empty(), NUTAG_INITIAL_ROUTE_STR(order.route.c_str())), TAG_END());
  if (nh == nullptr) {
    order.line.report(LegReport::failed);
    return;
  }
  std::string alert = "Alert-Info: " + order.alert_info;
  bool offer = !order.sdp_offer.empty();
  nua_invite(nh, NUTAG_URL(order.request_uri.c_str()),
             TAG_IF(!order.alert_info.empty(), SIPTAG_HEADER_STR(alert.c_str())),
             TAG_IF(offer, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
             TAG_IF(offer, SIPTAG_PAYLOAD_STR(order.sdp_offer.c_str())), TAG_END());
  stack_.metrics_.count_request(Direction::sent, Method::invite);
  Leg leg;
  leg.call_id = order.call_id;
  leg.line = std::move(order.line);
  leg.handle = nh;
  leg.sent_offer = offer;
  legs_.emplace(serial, std::move(leg));
  serials_.emplace(order.call_id, serial);
  stack_.live_legs_.store(legs_.size(), std::memory_order_relaxed);
}

// cancel and hangup alike: whatever the leg's phase, end it the way that phase
// needs (the engine may hang up a leg whose answer it has not seen yet).
void SipStack::Loop::end_by_engine(const Uuid& call_id, LegCause cause) {
  auto found = serials_.find(call_id);
  if (found == serials_.end()) return;  // not ours, or already over
  auto& leg = legs_.at(found->second);
  switch (leg.phase) {
    case Phase::calling:
    case Phase::ringing:
      send_cancel(leg, cause);
      break;
    case Phase::answered:
      send_bye(leg, cause);
      break;
    case Phase::cancelling:
    case Phase::closing:
      break;  // already on its way out
  }
}

void SipStack::Loop::begin_shutdown() {
  shutting_down_ = true;
  std::vector<Uuid> live;
  live.reserve(serials_.size());
  for (const auto& [call_id, serial] : serials_) live.push_back(call_id);
  for (const auto& call_id : live) end_by_engine(call_id, LegCause::normal);
  nua_shutdown(nua_);
  shutdown_timer_ = su_timer_create(su_root_task(root_), shutdown_limit.count());
  if (shutdown_timer_ == nullptr ||
      su_timer_set(shutdown_timer_, &Loop::on_shutdown_limit, this) != 0) {
    su_root_break(root_);
  }
}

void SipStack::Loop::on_shutdown_limit(Loop* loop, su_timer_t*, Loop*) {
  spdlog::warn("sip: nua did not shut down within {} ms; tearing it down", shutdown_limit.count());
  su_root_break(loop->root_);
}

void SipStack::Loop::on_event(nua_event_t event, int status, char const*, nua_t*, Loop* loop,
                              nua_handle_t* nh, void* hmagic, sip_t const* sip, tagi_t tags[]) {
  try {
    loop->handle(event, status, nh, hmagic, sip, tags);
  } catch (const std::exception& e) {
    // Nothing may unwind through sofia's C frames.
    spdlog::error("sip: event {}: {}", nua_event_name(event), e.what());
  }
}

void SipStack::Loop::handle(nua_event_t event, int status, nua_handle_t* nh, void* hmagic,
                            sip_t const* sip, tagi_t tags[]) {
  count_received(event, status, sip);
  std::uint64_t serial = 0;
  Leg* leg = leg_of(hmagic, serial);
  switch (event) {
    case nua_r_get_params:
      on_params(tags);
      break;
    case nua_r_shutdown:
      if (status >= 200) su_root_break(root_);
      break;
    case nua_r_invite:
      if (leg) on_invite_response(*leg, serial, status, sip);
      break;
    case nua_r_bye:
      if (leg && status >= 200) end_leg(serial);
      break;
    case nua_i_bye:
      stack_.metrics_.count_response(Direction::sent, 200);  // nua answers it
      on_remote_bye(leg);
      break;
    case nua_i_options:
      stack_.metrics_.count_response(Direction::sent, 200);  // nua answers, with Allow
      if (!hmagic && nh) nua_handle_destroy(nh);
      break;
    case nua_i_invite:
      on_inbound_invite(nh, hmagic);
      break;
    case nua_i_state:
    case nua_i_terminated:
      if (event == nua_i_terminated) {
        if (leg)
          end_leg(serial);
        else if (!hmagic && nh)
          nua_handle_destroy(nh);
      } else {
        on_state(nh, hmagic, tags);
      }
      break;
    default:
      // Another request out of any dialog of ours: nua has answered it (405 or 501
      // for what it does not know); the handle it made is ours to free.
      if (is_request_event(event) && event != nua_i_ack && event != nua_i_cancel && !hmagic && nh) {
        nua_handle_destroy(nh);
      }
      break;
  }
}

void SipStack::Loop::count_received(nua_event_t event, int status, sip_t const* sip) {
  if (sip == nullptr) return;
  if (is_request_event(event)) {
    if (sip->sip_request && sip->sip_request->rq_method_name) {
      stack_.metrics_.count_request(Direction::received,
                                    SipMetrics::method_of(sip->sip_request->rq_method_name));
    }
    return;
  }
  if (event >= nua_r_set_params && sip->sip_status && !is_internal(sip)) {
    stack_.metrics_.count_response(Direction::received, status);
  }
}

void SipStack::Loop::on_params(tagi_t tags[]) {
  have_params_ = true;
  auto* found = tl_find(tags, ntatag_contact);
  if (found == nullptr || found->t_value == 0) return;
  auto* contact = reinterpret_cast<sip_contact_t const*>(found->t_value);
  if (contact->m_url->url_host == nullptr) return;
  stack_.host_ = contact->m_url->url_host;
  if (stack_.host_.find(':') != std::string::npos && stack_.host_.front() != '[') {
    stack_.host_ = "[" + stack_.host_ + "]";
  }
  auto* port = contact->m_url->url_port;
  stack_.port_ = static_cast<std::uint16_t>(port && *port ? std::atoi(port) : 5060);
}

void SipStack::Loop::on_invite_response(Leg& leg, std::uint64_t serial, int status,
                                        sip_t const* sip) {
  if (status >= 200 && status < 300) {
    on_answer(leg, serial, sip);
    return;
  }
  bool ringing = leg.phase == Phase::calling || leg.phase == Phase::ringing;
  if (status < 200) {
    auto report = leg_report_for_status(status);
    if (report && ringing && leg.phase == Phase::calling) {
      leg.phase = Phase::ringing;
      leg.line.report(*report);
    }
    return;
  }
  // A final failure. One made up by nta (Timer B, Timer C, a transport error) is
  // a failure to reach the far end, whatever its code; a real 408 is the far end's.
  if (ringing) {
    auto report = is_internal(sip) ? LegReport::failed
                                   : leg_report_for_status(status).value_or(LegReport::failed);
    leg.line.report(report);
  }
  end_leg(serial);
}

void SipStack::Loop::on_answer(Leg& leg, std::uint64_t serial, sip_t const* sip) {
  switch (leg.phase) {
    case Phase::calling:
    case Phase::ringing: {
      ack(leg, sip);
      auto sdp = sdp_of(sip);
      if (sdp.size() > field_limits::sdp) {
        spdlog::warn("sip: call {}: answer SDP of {} bytes dropped; ending the leg",
                     leg.call_id.to_string(), sdp.size());
        leg.line.report(LegReport::failed);
        send_bye(leg, LegCause::failed);
        return;
      }
      leg.phase = Phase::answered;
      if (sdp.empty()) {
        leg.line.report(LegReport::answered);
      } else {
        leg.line.answered(std::string(sdp));
      }
      return;
    }
    case Phase::cancelling:
      // The 200 crossed our CANCEL: the engine has ended this leg already.
      ack(leg, sip);
      send_bye(leg, leg.cause);
      return;
    case Phase::answered:
    case Phase::closing:
      (void)serial;
      return;  // a 200 we have answered already
  }
}

void SipStack::Loop::on_remote_bye(Leg* leg) {
  if (leg == nullptr) return;
  if (leg->phase == Phase::answered) leg->line.report(LegReport::remote_hangup);
  leg->phase = Phase::closing;  // nua answered it; the terminated state frees the handle
}

void SipStack::Loop::on_inbound_invite(nua_handle_t* nh, void* hmagic) {
  if (nh == nullptr) return;
  if (hmagic) {
    // A re-INVITE in one of our dialogs: chorusd carries no media to renegotiate.
    nua_respond(nh, SIP_488_NOT_ACCEPTABLE, SIPTAG_WARNING_STR(decline_warning), TAG_END());
    stack_.metrics_.count_response(Direction::sent, 488);
    return;
  }
  nua_respond(nh, SIP_480_TEMPORARILY_UNAVAILABLE, SIPTAG_WARNING_STR(decline_warning), TAG_END());
  stack_.metrics_.count_response(Direction::sent, 100);  // nta's Trying, sent on arrival
  stack_.metrics_.count_response(Direction::sent, 480);
  nua_handle_destroy(nh);
}

void SipStack::Loop::on_state(nua_handle_t* nh, void* hmagic, tagi_t tags[]) {
  int state = -1;
  tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  if (state != nua_callstate_terminated) return;
  std::uint64_t serial = 0;
  if (leg_of(hmagic, serial)) {
    close_leg(serial);
  } else if (!hmagic && nh) {
    nua_handle_destroy(nh);
  }
}

// The dialog ended without our BYE or CANCEL and without a final report (a session
// timer, a failed in-dialog request): the leg still ends once.
void SipStack::Loop::close_leg(std::uint64_t serial) {
  auto& leg = legs_.at(serial);
  switch (leg.phase) {
    case Phase::calling:
    case Phase::ringing:
      leg.line.report(LegReport::failed);
      break;
    case Phase::answered:
      leg.line.report(LegReport::remote_hangup);
      break;
    case Phase::cancelling:
    case Phase::closing:
      break;  // ours to end, and ended
  }
  end_leg(serial);
}

void SipStack::Loop::ack(Leg& leg, sip_t const* sip) {
  auto offer = sdp_of(sip);
  if (!leg.sent_offer && !offer.empty()) {
    // An offer we did not ask for: answer it on hold, so the call needs no media.
    auto answer = sip_inactive_answer(offer, stack_.host_);
    nua_ack(leg.handle, SIPTAG_CONTENT_TYPE_STR("application/sdp"),
            SIPTAG_PAYLOAD_STR(answer.c_str()), TAG_END());
  } else {
    nua_ack(leg.handle, TAG_END());
  }
  stack_.metrics_.count_request(Direction::sent, Method::ack);
}

void SipStack::Loop::send_cancel(Leg& leg, LegCause cause) {
  std::string reason(reason_header(cause));
  nua_cancel(leg.handle, SIPTAG_REASON_STR(reason.c_str()), TAG_END());
  stack_.metrics_.count_request(Direction::sent, Method::cancel);
  leg.phase = Phase::cancelling;
  leg.cause = cause;
}

void SipStack::Loop::send_bye(Leg& leg, LegCause cause) {
  std::string reason(reason_header(cause));
  nua_bye(leg.handle, SIPTAG_REASON_STR(reason.c_str()), TAG_END());
  stack_.metrics_.count_request(Direction::sent, Method::bye);
  leg.phase = Phase::closing;
}

void SipStack::Loop::end_leg(std::uint64_t serial) {
  auto found = legs_.find(serial);
  if (found == legs_.end()) return;
  nua_handle_destroy(found->second.handle);
  serials_.erase(found->second.call_id);
  legs_.erase(found);
  stack_.live_legs_.store(legs_.size(), std::memory_order_relaxed);
}

SipStack::Loop::Leg* SipStack::Loop::leg_of(void* hmagic, std::uint64_t& serial) {
  serial = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(hmagic));
  if (serial == 0) return nullptr;
  auto found = legs_.find(serial);
  return found == legs_.end() ? nullptr : &found->second;
}

// --- SipStack: the engine's side --------------------------------------------

SipStack::SipStack(SipOptions options) : options_(std::move(options)) {
  std::promise<void> ready;
  auto started = ready.get_future();
  thread_ = std::thread([this, &ready] { run(&ready); });
  try {
    started.get();
  } catch (...) {
    thread_.join();
    throw;
  }
}

SipStack::~SipStack() {
  stop();
}

void SipStack::run(std::promise<void>* ready) {
  su_init();
  {
    Loop loop(*this);
    std::string error;
    try {
      error = loop.start(options_);
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) {
      loop.finish();
      su_deinit();
      ready->set_exception(std::make_exception_ptr(std::runtime_error(error)));
      return;
    }
    {
      std::lock_guard<std::mutex> guard(mutex_);
      loop_ = &loop;
    }
    ready->set_value();
    loop.run();
    {
      std::lock_guard<std::mutex> guard(mutex_);
      loop_ = nullptr;
      stopping_ = true;
      orders_.clear();
    }
    loop.finish();
  }
  su_deinit();
}

bool SipStack::post(SipOrder order) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (stopping_ || loop_ == nullptr) return false;
  orders_.push_back(std::move(order));
  if (!wake_pending_) {
    wake_pending_ = loop_->wake();
    if (!wake_pending_) spdlog::error("sip: cannot wake the SIP thread");
  }
  return true;
}

std::vector<SipOrder> SipStack::take_orders() {
  std::vector<SipOrder> orders;
  std::lock_guard<std::mutex> guard(mutex_);
  orders.swap(orders_);
  wake_pending_ = false;
  return orders;
}

void SipStack::stop() {
  std::lock_guard<std::mutex> once(stop_mutex_);
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (loop_ != nullptr && !stopping_) {
      stopping_ = true;
      if (!wake_pending_) wake_pending_ = loop_->wake();
    }
  }
  thread_.join();
}

}  // namespace chorus
