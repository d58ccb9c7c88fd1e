// The tests' own nats-server (tests/support/nats_server), through the libnats C
// client as chorusd nodes will use it: subjects route by customer, one
// connection's messages arrive in order, a killed server is noticed and a
// restarted one found again by the client itself, and nothing of it outlives the
// object. Every wait is on a client callback or the server's log, never a sleep.

#include "tests/support/nats_server.hpp"

#include <arpa/inet.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

constexpr auto patience = 10s;        // for what should take milliseconds
constexpr int64_t reconnect_ms = 50;  // a test waits for reconnects: keep them quick

void check(natsStatus status, const std::string& what) {
  if (status == NATS_OK) return;
  throw std::runtime_error(what + ": " + natsStatus_GetText(status) + " (" +
                           nats_GetLastError(nullptr) + ")");
}

// Whether a plain connection attempt to `url` succeeds (closed again at once).
natsStatus try_connect(const std::string& url) {
  natsConnection* connection = nullptr;
  auto status = natsConnection_ConnectTo(&connection, url.c_str());
  if (status == NATS_OK) natsConnection_Destroy(connection);
  return status;
}

// One libnats connection set up as a node's would be (reconnect forever, quickly),
// and what its callbacks have reported, for the test to wait on.
class Client {
 public:
  explicit Client(const std::string& url) {
    natsOptions* options = nullptr;
    check(natsOptions_Create(&options), "natsOptions_Create");
    std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> owned(options,
                                                                       &natsOptions_Destroy);
    check(natsOptions_SetURL(options, url.c_str()), "natsOptions_SetURL");
    check(natsOptions_SetMaxReconnect(options, -1), "natsOptions_SetMaxReconnect");
    check(natsOptions_SetReconnectWait(options, reconnect_ms), "natsOptions_SetReconnectWait");
    check(natsOptions_SetDisconnectedCB(options, &Client::on_disconnected, this),
          "natsOptions_SetDisconnectedCB");
    check(natsOptions_SetReconnectedCB(options, &Client::on_reconnected, this),
          "natsOptions_SetReconnectedCB");
    check(natsOptions_SetClosedCB(options, &Client::on_closed, this), "natsOptions_SetClosedCB");
    check(natsConnection_Connect(&connection_, options), "connect to " + url);
  }

  // The closed callback is the connection's last: none runs on a freed Client.
  ~Client() {
    natsConnection_Close(connection_);
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, patience, [&] { return closed_; });
    lock.unlock();
    natsConnection_Destroy(connection_);
  }

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  natsConnection* get() const { return connection_; }

  void publish(const std::string& subject, const std::string& payload) {
    check(natsConnection_Publish(connection_, subject.c_str(), payload.data(),
                                 static_cast<int>(payload.size())),
          "publish on " + subject);
  }

  // A round trip: the server has processed everything sent before it.
  void flush() {
    check(natsConnection_FlushTimeout(connection_, std::chrono::milliseconds(patience).count()),
          "flush");
  }

  bool await_disconnects(int count) {
    return await([&] { return disconnects_ >= count; });
  }
  bool await_reconnects(int count) {
    return await([&] { return reconnects_ >= count; });
  }

 private:
  template <typename Condition>
  bool await(Condition condition) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, patience, condition);
  }

  template <typename Change>
  static void record(void* self, Change change) {
    auto* client = static_cast<Client*>(self);
    std::lock_guard<std::mutex> guard(client->mutex_);
    change(*client);
    client->changed_.notify_all();
  }

  static void on_disconnected(natsConnection*, void* self) {
    record(self, [](Client& c) { ++c.disconnects_; });
  }
  static void on_reconnected(natsConnection*, void* self) {
    record(self, [](Client& c) { ++c.reconnects_; });
  }
  static void on_closed(natsConnection*, void* self) {
    record(self, [](Client& c) { c.closed_ = true; });
  }

  natsConnection* connection_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  int disconnects_ = 0;
  int reconnects_ = 0;
  bool closed_ = false;
};

struct Received {
  std::string subject;
  std::string payload;
};

// An asynchronous subscription and every message it has received, in order.
class Inbox {
 public:
  // Subscribed on the server when constructed (the client flushed).
  Inbox(Client& client, const std::string& subject) {
    check(natsConnection_Subscribe(&subscription_, client.get(), subject.c_str(),
                                   &Inbox::on_message, this),
          "subscribe to " + subject);
    check(natsSubscription_SetOnCompleteCB(subscription_, &Inbox::on_complete, this),
          "natsSubscription_SetOnCompleteCB");
    client.flush();
  }

  // The completion callback comes once the message handler will not run again.
  ~Inbox() {
    if (natsSubscription_Unsubscribe(subscription_) == NATS_OK) {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_for(lock, patience, [&] { return complete_; });
    }
    natsSubscription_Destroy(subscription_);
  }

  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Waits until at least `count` messages have arrived; all received so far.
  std::vector<Received> await(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, patience, [&] { return received_.size() >= count; });
    return received_;
  }

 private:
  static void on_message(natsConnection*, natsSubscription*, natsMsg* message, void* self) {
    auto* inbox = static_cast<Inbox*>(self);
    Received received{natsMsg_GetSubject(message),
                      std::string(natsMsg_GetData(message),
                                  static_cast<std::size_t>(natsMsg_GetDataLength(message)))};
    natsMsg_Destroy(message);
    std::lock_guard<std::mutex> guard(inbox->mutex_);
    inbox->received_.push_back(std::move(received));
    inbox->changed_.notify_all();
  }

  static void on_complete(void* self) {
    auto* inbox = static_cast<Inbox*>(self);
    std::lock_guard<std::mutex> guard(inbox->mutex_);
    inbox->complete_ = true;
    inbox->changed_.notify_all();
  }

  natsSubscription* subscription_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Received> received_;
  bool complete_ = false;
};

std::vector<std::string> payloads(const std::vector<Received>& messages) {
  std::vector<std::string> texts;
  for (const auto& message : messages) texts.push_back(message.payload);
  return texts;
}

// Whether `pid` is a live process (a zombie has ended: only its parent's wait is due).
bool alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
}

// Something else listening on the loopback `port`, until destroyed.
class PortSquatter {
 public:
  explicit PortSquatter(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd_, 1) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot listen on port " + std::to_string(port));
    }
  }
  ~PortSquatter() { ::close(fd_); }

 private:
  int fd_;
};

TEST(NatsServer, ListensOnLoopbackAtItsUrl) {
  auto& server = NatsServer::shared();
  EXPECT_EQ(server.url(), "nats://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_TRUE(server.running());
  EXPECT_NE(server.log().find("Listening for client connections on 127.0.0.1:" +
                              std::to_string(server.port())),
            std::string::npos)
      << server.log();
  EXPECT_EQ(try_connect(server.url()), NATS_OK);
}

TEST(NatsServer, AnEventReachesItsCustomersSubscribersOnly) {
  auto& server = NatsServer::shared();
  Client publisher(server.url());
  Client node(server.url());
  Inbox customer1(node, "chorus.events.c1.>");
  Inbox customer2(node, "chorus.events.c2.>");

  publisher.publish("chorus.events.c1.call.x", "event of c1");
  // One connection's messages arrive in order: once c2's own event is in, c1's,
  // published before it, would have been too, had it been routed there.
  publisher.publish("chorus.events.c2.call.y", "event of c2");
  publisher.publish("chorus.events.c1.groupcall.z", "second event of c1");
  publisher.flush();

  auto first = customer1.await(2);
  ASSERT_EQ(first.size(), 2u) << server.log();
  EXPECT_EQ(first[0].subject, "chorus.events.c1.call.x");
  EXPECT_EQ(first[0].payload, "event of c1");
  EXPECT_EQ(first[1].subject, "chorus.events.c1.groupcall.z");
  auto second = customer2.await(1);
  ASSERT_EQ(second.size(), 1u) << server.log();
  EXPECT_EQ(second[0].subject, "chorus.events.c2.call.y");
}

TEST(NatsServer, OneConnectionsMessagesArriveInOrder) {
  constexpr int count = 1000;
  auto& server = NatsServer::shared();
  Client publisher(server.url());
  Client node(server.url());
  Inbox inbox(node, "chorus.events.c1.>");

  std::vector<std::string> sent;
  for (int i = 0; i < count; ++i) {
    sent.push_back(std::to_string(i));
    publisher.publish("chorus.events.c1.call." + std::to_string(i % 7), sent.back());
  }
  publisher.flush();

  EXPECT_EQ(payloads(inbox.await(count)), sent);
}

TEST(NatsServer, ClientsNoticeAKillAndReconnectByThemselvesAfterStart) {
  NatsServer server;
  Client publisher(server.url());
  Client node(server.url());
  Inbox inbox(node, "chorus.events.c1.>");
  publisher.publish("chorus.events.c1.call.x", "before");
  ASSERT_EQ(inbox.await(1).size(), 1u);
  const auto port = server.port();

  server.kill();
  EXPECT_FALSE(server.running());
  // A crash: the server had no time to shut down.
  EXPECT_EQ(server.log().find("Initiating Shutdown"), std::string::npos) << server.log();
  ASSERT_TRUE(publisher.await_disconnects(1));
  ASSERT_TRUE(node.await_disconnects(1));
  EXPECT_NE(try_connect(server.url()), NATS_OK) << "a connection was accepted after the kill";

  server.start();
  EXPECT_TRUE(server.running());
  EXPECT_EQ(server.port(), port);
  ASSERT_TRUE(publisher.await_reconnects(1)) << server.log();
  ASSERT_TRUE(node.await_reconnects(1)) << server.log();
  node.flush();  // its subscription, sent again on reconnecting, is in place
  publisher.publish("chorus.events.c1.call.x", "after");
  publisher.flush();

  EXPECT_EQ(payloads(inbox.await(2)), (std::vector<std::string>{"before", "after"}));
}

TEST(NatsServer, AStopRefusesConnectionsUntilStart) {
  NatsServer server;
  Client client(server.url());
  server.stop();
  EXPECT_FALSE(server.running());
  EXPECT_NE(server.log().find("Server Exiting"), std::string::npos) << server.log();
  EXPECT_TRUE(client.await_disconnects(1));
  EXPECT_NE(try_connect(server.url()), NATS_OK);

  server.start();
  EXPECT_EQ(try_connect(server.url()), NATS_OK) << server.log();
  EXPECT_TRUE(client.await_reconnects(1)) << server.log();
}

TEST(NatsServer, ARestartOnATakenPortFailsWithTheServersLog) {
  NatsServer server;
  server.kill();
  {
    PortSquatter squatter(server.port());
    try {
      server.start();
      FAIL() << "started on a port another process listens on";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("address already in use"), std::string::npos)
          << e.what();
    }
    EXPECT_FALSE(server.running());
  }
  server.start();
  EXPECT_EQ(try_connect(server.url()), NATS_OK) << server.log();
}

TEST(NatsServer, NothingOfItOutlivesTheObject) {
  pid_t pid = -1;
  std::string url;
  std::optional<Client> client;  // still connected: the shutdown must not wait for it
  {
    NatsServer server;
    pid = server.pid();
    url = server.url();
    ASSERT_TRUE(alive(pid));
    client.emplace(url);
  }
  EXPECT_FALSE(alive(pid)) << "nats-server " << pid << " outlived the object";
  EXPECT_TRUE(client->await_disconnects(1));
  EXPECT_NE(try_connect(url), NATS_OK);
}

}  // namespace
}  // namespace chorus::test
