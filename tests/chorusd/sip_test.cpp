// chorusd with the SIP driver: its flags, a daemon with --sip-listen that keeps
// simulated destinations (the host sim) working, refuses what SIP cannot route
// without a proxy, and counts SIP traffic in /metrics.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>

#include "api_fixture.hpp"
#include "tests/sip/sipp_process.hpp"

namespace chorus::test {
namespace {

TEST(ChorusdSipFlags, BadValuesAreRefusedNamingTheFlag) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"--sip-listen", "nocolon"},
      {"--sip-listen", "127.0.0.1:70000"},
      {"--sip-listen", "127.0.0.1:x"},
      {"--sip-outbound-proxy", "proxy.example.com"},
      {"--sip-outbound-proxy", "sip:proxy example.com"},
      {"--sip-outbound-proxy", "sip:" + std::string(600, 'p')},
      {"--sip-user-agent", ""},
      {"--sip-user-agent", "bad\x01agent"},
      {"--sip-t1-ms", "0"},
      {"--sip-t1-ms", "ten"},
      {"--sip-timer-b-ms", "600001"},
      {"--sip-timer-c-ms", "999"},
  };
  for (auto& [flag, value] : bad) {
    SCOPED_TRACE(flag + " " + value);
    auto run = run_chorusd({flag, value});
    EXPECT_EQ(run.status.code, 2) << run.err;
    EXPECT_NE(run.err.find(flag), std::string::npos) << run.err;
  }
}

TEST(ChorusdSipFlags, HelpListsThem) {
  auto run = run_chorusd({"--help"});
  for (auto* flag : {"--sip-listen", "--sip-outbound-proxy", "--sip-user-agent", "--sip-t1-ms",
                     "--sip-timer-b-ms", "--sip-timer-c-ms"}) {
    EXPECT_NE(run.out.find(flag), std::string::npos) << flag;
  }
}

TEST(ChorusdSipFlags, AnAddressItCannotBindStopsTheStartWithAClearError) {
  auto run = run_chorusd({"--sip-listen", "192.0.2.1:5060", "--store", "memory"});
  EXPECT_EQ(run.status.code, 2) << run.err;
  EXPECT_NE(run.err.find("192.0.2.1:5060"), std::string::npos) << run.err;
}

class ChorusdSip : public ApiTest {
 protected:
  std::vector<std::string> flags() override {
    auto f = ApiTest::flags();
    f.insert(f.end(), {"--sip-listen", "127.0.0.1:0", "--sip-user-agent", "Chorus-test"});
    return f;
  }

  // The SIP port chorusd printed: "chorusd SIP on 127.0.0.1:PORT (UDP and TCP)".
  std::uint16_t sip_port() const {
    std::smatch m;
    auto out = daemon->out();
    if (!std::regex_search(out, m, std::regex("chorusd SIP on 127\\.0\\.0\\.1:(\\d+)"))) {
      ADD_FAILURE() << "no SIP line in: " << out;
      return 0;
    }
    return static_cast<std::uint16_t>(std::stoul(m[1]));
  }
};

// Sends one SIP request over UDP and returns the first response's status line
// ("" when none comes within two seconds).
std::string sip_over_udp(std::uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval wait{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  sockaddr_in self{};
  socklen_t length = sizeof self;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&self), &length);
  auto text =
      std::regex_replace(request, std::regex("LOCALPORT"), std::to_string(ntohs(self.sin_port)));
  ::send(fd, text.data(), text.size(), 0);
  char buffer[4096];
  auto got = ::recv(fd, buffer, sizeof buffer, 0);
  ::close(fd);
  if (got <= 0) return "";
  std::string response(buffer, static_cast<std::size_t>(got));
  return response.substr(0, response.find("\r\n"));
}

TEST_F(ChorusdSip, DestinationsOnTheHostSimStaySimulated) {
  auto gc = create_groupcall(*a, groupcall_body({endpoint("a@sim;answer=50"), endpoint("b@sim")}));
  auto done = await_groupcall(*a, str(gc, "id"),
                              [](const Json& g) { return str(g, "answer_call_id") != zero_id; });
  EXPECT_EQ(str(done, "answer_call_id"), strings(gc, "call_ids")[0]);
}

TEST_F(ChorusdSip, TelTargetsWithoutAnOutboundProxyAreRefusedAndCreateNothing) {
  auto r = a->post("/v1.0/groupcalls",
                   groupcall_body({endpoint("a@sim"), address("tel", "+15551234567")}));
  expect_field_error(r, 400, "INVALID_ARGUMENT", "destinations[1].target");
  EXPECT_NE(r.body.find("--sip-outbound-proxy"), std::string::npos) << r.body;
  EXPECT_TRUE(ids_of(ok(a->get("/v1.0/groupcalls"))).empty());
}

TEST_F(ChorusdSip, ASipUriThatDoesNotParseIsRefused) {
  auto r = a->post("/v1.0/groupcalls", groupcall_body({address("sip", "sip:@")}));
  expect_field_error(r, 400, "INVALID_ARGUMENT", "destinations[0].target");
}

TEST_F(ChorusdSip, AnInboundOptionsIsAnsweredAndCountedInMetrics) {
  auto port = sip_port();
  ASSERT_NE(port, 0);
  std::string options =
      "OPTIONS sip:chorus@127.0.0.1 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bK-chorus-test-1\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:probe@127.0.0.1>;tag=probe1\r\n"
      "To: <sip:chorus@127.0.0.1>\r\n"
      "Call-ID: options-probe-1@127.0.0.1\r\n"
      "CSeq: 1 OPTIONS\r\n"
      "Content-Length: 0\r\n\r\n";
  EXPECT_EQ(sip_over_udp(port, options), "SIP/2.0 200 OK");
  // nua answers before it tells the driver, which counts: the count may trail the 200.
  std::map<std::string, double> metrics;
  EXPECT_TRUE(eventually([&] {
    metrics = parse_metrics(a->get("/metrics").body);
    return metrics[R"(chorus_sip_requests_total{direction="received",method="OPTIONS"})"] == 1;
  }));
  EXPECT_EQ(metrics[R"(chorus_sip_responses_total{direction="sent",code="200"})"], 1);
}

// The whole path: REST in, SIP out to sipp phones, the outcome back over REST and
// /metrics. One phone answers after 200 ms, the other rings until it is cancelled
// with "Call completed elsewhere" (its scenario asserts the Reason header); the
// API then hangs up, and the winner's phone sees our BYE.
TEST_F(ChorusdSip, ARestGroupcallRingsSipPhonesAndCancelsTheLoserAsCompletedElsewhere) {
  auto answering = SippProcess::uas("uas_answer.xml", 1, std::chrono::milliseconds(200));
  auto losing = SippProcess::uas("uas_cancel_elsewhere.xml");
  auto gc =
      create_groupcall(*a, groupcall_body({address("sip", answering->target("alice"), "Alice"),
                                           address("sip", "sip:" + losing->target("bob"), "Bob")},
                                          "ring_all"));
  auto ids = strings(gc, "call_ids");
  ASSERT_EQ(ids.size(), 2u);
  auto answered = await_groupcall(
      *a, str(gc, "id"), [](const Json& g) { return str(g, "answer_call_id") != zero_id; });
  EXPECT_EQ(str(answered, "answer_call_id"), ids[0]);
  auto loser = await_call(*a, ids[1], has_status("hangup"));
  EXPECT_EQ(str(loser, "hangup_reason"), "cancel");
  EXPECT_TRUE(losing->wait().ok()) << losing->wait().describe();

  ASSERT_EQ(a->post("/v1.0/groupcalls/" + str(gc, "id") + "/hangup").status, 200u);
  auto winner = await_call(*a, ids[0], has_status("hangup"));
  EXPECT_EQ(str(winner, "hangup_reason"), "normal");
  EXPECT_EQ(str(winner, "hangup_by"), "local");
  EXPECT_TRUE(answering->wait().ok()) << answering->wait().describe();

  // sipp may exit before its 200 to our BYE has reached the driver.
  std::map<std::string, double> metrics;
  EXPECT_TRUE(eventually([&] {
    metrics = parse_metrics(a->get("/metrics").body);
    return metrics[R"(chorus_sip_responses_total{direction="received",code="200"})"] >= 3;
  }));
  EXPECT_EQ(metrics[R"(chorus_sip_requests_total{direction="sent",method="INVITE"})"], 2);
  EXPECT_EQ(metrics[R"(chorus_sip_requests_total{direction="sent",method="CANCEL"})"], 1);
  EXPECT_EQ(metrics[R"(chorus_sip_requests_total{direction="sent",method="BYE"})"], 1);
  EXPECT_GE(metrics[R"(chorus_sip_responses_total{direction="received",code="200"})"], 3);
}

}  // namespace
}  // namespace chorus::test
