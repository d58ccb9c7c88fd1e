// The driver's own life: binding, its port, refusing what it cannot route, and
// stopping. One smoke call against a sipp UAS when sipp is installed; the full
// sipp suite lives in sipp_*_test.cpp.
#include "transport/sip/sip_leg_driver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actors/engine.hpp"

namespace chorus {
namespace {

SipOptions loopback(std::string listen = "127.0.0.1:0") {
  SipOptions options;
  options.listen = std::move(listen);
  options.t1 = std::chrono::milliseconds(100);
  options.timer_b = std::chrono::milliseconds(2000);
  return options;
}

TEST(SipDriver, BindsAnEphemeralPortAndSaysWhich) {
  SipLegDriver driver(loopback());
  EXPECT_NE(driver.port(), 0);
  EXPECT_EQ(driver.listen_address(), "127.0.0.1:" + std::to_string(driver.port()));
  EXPECT_EQ(driver.live_legs(), 0U);
}

TEST(SipDriver, APortInUseIsRefusedNamingTheAddress) {
  SipLegDriver first(loopback());
  auto taken = "127.0.0.1:" + std::to_string(first.port());
  try {
    SipLegDriver second(loopback(taken));
    FAIL() << "a second driver bound " << taken;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(taken), std::string::npos) << e.what();
  }
}

TEST(SipDriver, AMalformedListenAddressIsRefused) {
  for (std::string bad : {"127.0.0.1", "nohost:", "127.0.0.1:99999"}) {
    EXPECT_THROW(SipLegDriver driver(loopback(bad)), std::runtime_error) << bad;
  }
}

TEST(SipDriver, StopIsIdempotentAndOrdersAfterItAreHarmless) {
  SipLegDriver driver(loopback());
  driver.stop();
  driver.stop();
  driver.cancel(Uuid::generate(), LegCause::normal);
  driver.hangup(Uuid::generate(), LegCause::normal);
}

TEST(SipDriver, CanDialSipUrisAndRefusesTelWithoutAProxy) {
  SipLegDriver driver(loopback());
  Address sip{AddressType::sip, "bob@127.0.0.1:5999", "", "", ""};
  EXPECT_TRUE(driver.can_dial(sip, "destinations[0]"));
  Address tel{AddressType::tel, "+15551234567", "", "", ""};
  auto refused = driver.can_dial(tel, "destinations[1]");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "destinations[1].target");
  auto proxied = loopback();
  proxied.outbound_proxy = "sip:127.0.0.1:5999";
  SipLegDriver with_proxy(proxied);
  EXPECT_TRUE(with_proxy.can_dial(tel, "destinations[1]"));
}

// --- one call against sipp's built-in UAS ------------------------------------

constexpr const char* sipp_path = "/usr/bin/sipp";

std::uint16_t free_udp_port() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

// True once something (sipp) has bound the UDP port: an INVITE sent before that
// would meet an ICMP port unreachable, which the driver rightly reports failed.
bool wait_until_bound(std::uint16_t port) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    bool taken = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
                 errno == EADDRINUSE;
    ::close(fd);
    if (taken) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// sipp -sn uas for one call; it exits 0 when the call followed the scenario.
pid_t start_sipp_uas(std::uint16_t port) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto p = std::to_string(port);
    auto cp = std::to_string(port + 1);
    ::execl(sipp_path, "sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", p.c_str(), "-cp", cp.c_str(),
            "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

struct Watcher {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<EventType> call_events;
  bool groupcall_ended = false;

  void on(const Event& event) {
    std::lock_guard<std::mutex> guard(mutex);
    if (event.type() == EventType::groupcall_hangup) groupcall_ended = true;
    if (event.call()) call_events.push_back(event.type());
    changed.notify_all();
  }
  template <class Predicate>
  bool wait(Predicate predicate) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(20), [&] { return predicate(*this); });
  }
  bool saw(EventType type) const {
    for (auto t : call_events) {
      if (t == type) return true;
    }
    return false;
  }
};

TEST(SipDriver, RingsAnswersAndHangsUpASippUas) {
  if (::access(sipp_path, X_OK) != 0) GTEST_SKIP() << "sipp is not installed";
  auto port = free_udp_port();
  pid_t sipp = start_sipp_uas(port);
  ASSERT_GT(sipp, 0);
  ASSERT_TRUE(wait_until_bound(port));

  auto driver = std::make_shared<SipLegDriver>(loopback());
  Engine engine(driver);
  Watcher watcher;
  auto subscription = engine.subscribe_all([&](const Event& e) { watcher.on(e); });
  GroupcallRequest request;
  request.customer_id = Uuid::generate();
  request.source = {AddressType::tel, "+15551234567", "Front desk", "", ""};
  request.destinations = {{AddressType::sip, "sipp@127.0.0.1:" + std::to_string(port), "", "", ""}};
  request.ring_method = RingMethod::ring_all;
  auto created = engine.create_groupcall(request);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_TRUE(watcher.wait([](Watcher& w) { return w.saw(EventType::call_progressing); }));
  EXPECT_EQ(driver->metrics().requests(SipMetrics::Direction::sent, SipMetrics::Method::invite),
            1U);
  EXPECT_EQ(driver->metrics().responses(SipMetrics::Direction::received, 200), 1U);
  engine.hangup_groupcall(request.customer_id, created->id, [](Result<Groupcall>) {});
  ASSERT_TRUE(watcher.wait([](Watcher& w) { return w.groupcall_ended; }));
  // The BYE's 200 ends the dialog and frees the leg.
  for (int i = 0; i < 200 && driver->live_legs() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(driver->live_legs(), 0U);
  EXPECT_EQ(driver->metrics().requests(SipMetrics::Direction::sent, SipMetrics::Method::bye), 1U);
  engine.stop();
  int status = 0;
  ASSERT_EQ(::waitpid(sipp, &status, 0), sipp);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

}  // namespace
}  // namespace chorus
