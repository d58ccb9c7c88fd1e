#include "transport/cluster/nats_link.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

namespace chorus {

namespace {

constexpr int reconnect_wait_ms = 250;
constexpr int connect_timeout_ms = 5000;

struct OptionsClose {
  void operator()(natsOptions* o) const noexcept { natsOptions_Destroy(o); }
};

Error unreachable(std::string_view doing, natsStatus status) {
  return Error::unavailable(std::string("cluster: NATS unreachable (") + std::string(doing) + ": " +
                            natsStatus_GetText(status) + ")");
}

}  // namespace

Result<std::unique_ptr<NatsLink>> NatsLink::connect(const NatsLinkOptions& options) {
  std::unique_ptr<NatsLink> link(new NatsLink(options.node_id));
  natsOptions* raw = nullptr;
  natsStatus s = natsOptions_Create(&raw);
  std::unique_ptr<natsOptions, OptionsClose> opts(raw);
  const std::string name = "chorusd " + options.node_id;
  if (s == NATS_OK) s = natsOptions_SetURL(raw, options.url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(raw, name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(raw, connect_timeout_ms);
  // What this node publishes never comes back to its own subscriptions: it has
  // dealt with it already, and the server skips the copy instead of the node.
  if (s == NATS_OK) s = natsOptions_SetNoEcho(raw, true);
  // Forever, and with what was published meanwhile kept in the client's buffer.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(raw, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(raw, reconnect_wait_ms);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(raw, &NatsLink::on_disconnected, link.get());
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(raw, &NatsLink::on_reconnected, link.get());
  if (s == NATS_OK) s = natsOptions_SetErrorHandler(raw, &NatsLink::on_error, link.get());
  if (s != NATS_OK) return unreachable("configuring", s);
  s = natsConnection_Connect(&link->connection_, raw);
  if (s != NATS_OK) return unreachable("connecting to " + options.url, s);
  link->connected_ = true;
  return link;
}

NatsLink::~NatsLink() {
  if (connection_ == nullptr) return;
  // Sends what is buffered, then closes: events already published reach the others.
  natsConnection_FlushTimeout(connection_, 1000);
  natsConnection_Destroy(connection_);
}

void NatsLink::on_disconnected(natsConnection*, void* self) {
  auto* link = static_cast<NatsLink*>(self);
  link->connected_ = false;
  spdlog::warn("cluster: disconnected from NATS; reconnecting");
  // Core NATS keeps nothing for a subscriber away: what was sent meanwhile is gone.
  link->gap("");
}

void NatsLink::on_error(natsConnection*, natsSubscription* subscription, natsStatus error,
                        void* self) {
  if (error != NATS_SLOW_CONSUMER || subscription == nullptr) return;
  auto* link = static_cast<NatsLink*>(self);
  link->gap(natsSubscription_GetSubject(subscription));
}

void NatsLink::gap(const std::string& subject) {
  std::lock_guard<std::mutex> guard(gap_mutex_);
  if (gap_listener_) gap_listener_(subject);
}

void NatsLink::on_gap(GapListener listener) {
  std::lock_guard<std::mutex> guard(gap_mutex_);
  gap_listener_ = std::move(listener);
}

std::optional<std::string> NatsLink::request(const std::string& subject, std::string_view data,
                                             int64_t timeout_ms) {
  natsMsg* answer = nullptr;
  natsStatus s = natsConnection_Request(&answer, connection_, subject.c_str(), data.data(),
                                        static_cast<int>(data.size()), timeout_ms);
  if (s != NATS_OK) return std::nullopt;
  std::string text(data_of(answer));
  natsMsg_Destroy(answer);
  return text;
}

bool NatsLink::flush(int64_t timeout_ms) {
  return natsConnection_FlushTimeout(connection_, timeout_ms) == NATS_OK;
}

std::vector<std::string> NatsLink::publish_and_gather(
    const std::string& subject, const std::vector<std::string>& messages, int64_t timeout_ms,
    const std::function<bool(const std::vector<std::string>&)>& enough) {
  std::vector<std::string> replies;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  natsInbox* inbox = nullptr;
  natsSubscription* answers = nullptr;
  natsStatus s = natsInbox_Create(&inbox);
  // Subscribed before anything is sent: no reply can come before it.
  if (s == NATS_OK) s = natsConnection_SubscribeSync(&answers, connection_, inbox);
  for (const std::string& data : messages) {
    if (s == NATS_OK) {
      s = natsConnection_PublishRequest(connection_, subject.c_str(), inbox, data.data(),
                                        static_cast<int>(data.size()));
    }
    (s == NATS_OK ? published_ : dropped_).fetch_add(1, std::memory_order_relaxed);
  }
  if (s == NATS_OK) s = natsConnection_FlushTimeout(connection_, timeout_ms);
  while (s == NATS_OK && !enough(replies)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    natsMsg* reply = nullptr;
    s = natsSubscription_NextMsg(&reply, answers, left.count());
    if (s == NATS_OK) replies.emplace_back(data_of(reply));
    natsMsg_Destroy(reply);
  }
  natsSubscription_Destroy(answers);
  natsInbox_Destroy(inbox);
  return replies;
}

bool NatsLink::reply(const std::string& reply_subject, std::string_view data) {
  return natsConnection_Publish(connection_, reply_subject.c_str(), data.data(),
                                static_cast<int>(data.size())) == NATS_OK;
}

natsSubscription* NatsLink::subscribe(const std::string& subject, natsMsgHandler on_message,
                                      void* closure) {
  natsSubscription* subscription = nullptr;
  natsStatus s =
      natsConnection_Subscribe(&subscription, connection_, subject.c_str(), on_message, closure);
  if (s != NATS_OK) {
    spdlog::error("cluster: cannot subscribe to {}: {}", subject, natsStatus_GetText(s));
    return nullptr;
  }
  return subscription;
}

void NatsLink::unsubscribe(natsSubscription* subscription, int64_t timeout_ms) {
  if (subscription == nullptr) return;
  if (natsSubscription_Drain(subscription) == NATS_OK) {
    natsSubscription_WaitForDrainCompletion(subscription, timeout_ms);
  }
  natsSubscription_Destroy(subscription);
}

void NatsLink::on_reconnected(natsConnection*, void* self) {
  auto* link = static_cast<NatsLink*>(self);
  link->connected_ = true;
  link->reconnects_.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("cluster: reconnected to NATS");
}

bool NatsLink::publish(const std::string& subject, std::string_view data) {
  // Without a message object or a header: one was a heap message and a wake of
  // libnats' collector thread for each event, most of what a publish cost.
  natsStatus s = natsConnection_Publish(connection_, subject.c_str(), data.data(),
                                        static_cast<int>(data.size()));
  if (s != NATS_OK) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace chorus
