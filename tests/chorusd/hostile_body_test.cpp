// Bodies built to crash, bloat or poison the daemon: hostile nesting, invalid
// UTF-8, NUL, oversized texts and lists. Each is refused with a 400 naming the field
// and the rule, changes nothing, and leaves the daemon serving everyone else.

#include <gtest/gtest.h>

#include <fstream>

#include "api_fixture.hpp"

namespace chorus::test {
namespace {

std::string nested(std::size_t depth, const std::string& open, const std::string& close) {
  std::string text;
  text.reserve(depth * (open.size() + close.size()));
  for (std::size_t i = 0; i < depth; ++i) text += open;
  for (std::size_t i = 0; i < depth; ++i) text += close;
  return text;
}

// The daemon's resident memory in KiB, from /proc.
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class HostileBody : public ApiTest {
 protected:
  std::vector<std::string> flags() override {
    auto f = api_key_flags();
    f.insert(f.end(), {"--log-level", "warn"});
    return f;
  }

  void SetUp() override {
    ApiTest::SetUp();
    agent = create_agent(*a, agent_body("Alice", {endpoint("alice@sim")}));
    extension = create_extension(*a, extension_body("Desk", "2001", {endpoint("desk@sim")}));
    before = everything(*a);
  }

  // Every body-taking route refuses `body` naming `mentions`; nothing changed.
  void expect_refused_everywhere(const std::string& body, const std::string& mentions) {
    const std::pair<std::string, std::string> routes[] = {
        {"POST", "/v1.0/groupcalls"},
        {"POST", "/v1.0/agents"},
        {"POST", "/v1.0/extensions"},
        {"PUT", "/v1.0/agents/" + str(agent, "id")},
        {"PUT", "/v1.0/extensions/" + str(extension, "id")},
    };
    for (auto& [method, path] : routes) {
      SCOPED_TRACE(method + " " + path);
      expect_error(a->request(method, path, body, {{"Content-Type", "application/json"}}), 400,
                   "INVALID_ARGUMENT", mentions);
    }
    EXPECT_EQ(everything(*a), before);
  }

  void expect_groupcall_refused(const std::string& body, const std::string& field,
                                unsigned status = 400,
                                const std::string& code = "INVALID_ARGUMENT") {
    SCOPED_TRACE(body.substr(0, 200));
    expect_error(a->post("/v1.0/groupcalls", body), status, code, field);
    EXPECT_EQ(everything(*a), before);
  }

  Json agent, extension;
  std::set<std::string> before;
};

TEST_F(HostileBody, DeepNestingIsRefusedAndTheDaemonLives) {
  // About 105,000 levels overflowed the stack of the recursive parser and killed chorusd.
  expect_refused_everywhere(nested(105000, "[", "]"), "nested deeper than 64 levels");
  expect_refused_everywhere(nested(105000, "{\"a\":", "}"), "nested deeper than 64 levels");
  expect_refused_everywhere(
      R"({"source":{"type":"tel","target":"+1"},"destinations":)" + nested(70, "[", "]") + "}",
      "nested deeper than 64 levels");
  EXPECT_EQ(HttpClient(port()).get("/health").status, 200u);
}

TEST_F(HostileBody, InvalidUtf8IsRefusedNamingTheField) {
  expect_groupcall_refused(
      "{\"source\":{\"type\":\"tel\",\"target\":\"+1\"},\"destinations\":[{\"type\":\"endpoint\","
      "\"target\":\"al\xff\xfeice@sim\"}]}",
      "destinations[0].target");
  expect_groupcall_refused(
      "{\"source\":{\"type\":\"tel\",\"target\":\"+1\",\"name\":\"\xc3\"},\"destinations\":[{"
      "\"type\":\"endpoint\",\"target\":\"a@sim\"}]}",
      "source.name");
  expect_error(a->post("/v1.0/agents", "{\"name\":\"\xed\xa0\x80\",\"addresses\":[]}"), 400,
               "INVALID_ARGUMENT", "name");
  // An escaped lone surrogate decodes to bytes that are not UTF-8 either.
  expect_error(a->post("/v1.0/extensions", R"({"name":"\udc00","extension":"2002"})"), 400,
               "INVALID_ARGUMENT", "name");
  EXPECT_EQ(everything(*a), before);
}

TEST_F(HostileBody, NulInAStringIsRefused) {
  expect_groupcall_refused(
      R"({"source":{"type":"tel","target":"+1"},"destinations":[{"type":"endpoint","target":"a\u0000@sim"}]})",
      "destinations[0].target");
  expect_error(a->post("/v1.0/extensions", R"({"name":"x","extension":"20\u000003"})"), 400,
               "INVALID_ARGUMENT", "extension");
}

TEST_F(HostileBody, OversizedTextsAreRefusedNamingFieldAndLimit) {
  const std::string big_name(900 * 1000, 'n');
  expect_groupcall_refused(R"({"source":{"type":"tel","target":"+1","name":")" + big_name +
                               R"("},"destinations":[{"type":"endpoint","target":"a@sim"}]})",
                           "source.name");
  expect_groupcall_refused(R"({"source":{"type":"tel","target":"+1"},"destinations":[{"type":)"
                           R"("endpoint","target":")" +
                               std::string(513, 't') + R"("}]})",
                           "destinations[0].target");
  expect_groupcall_refused(R"({"source":{"type":"tel","target":"+1"},"owner_type":")" +
                               std::string(65, 'o') +
                               R"(","destinations":[{"type":"endpoint","target":"a@sim"}]})",
                           "owner_type");
  expect_error(
      a->post("/v1.0/agents", R"({"name":")" + std::string(257, 'a') + R"(","addresses":[]})"), 400,
      "INVALID_ARGUMENT", "name");
  // The limits themselves are fine.
  auto ok_body = R"({"source":{"type":"tel","target":"+1","name":")" + std::string(256, 'n') +
                 R"(","detail":")" + std::string(1024, 'd') +
                 R"("},"destinations":[{"type":"endpoint","target":")" + std::string(512, 't') +
                 R"("}]})";
  EXPECT_EQ(a->post("/v1.0/groupcalls", ok_body).status, 200u);
}

TEST_F(HostileBody, AgentsAndExtensionsHoldAtMostAHundredAddresses) {
  std::vector<std::string> many(101, endpoint("x@sim"));
  expect_error(a->post("/v1.0/agents", agent_body("Big", many)), 400, "LIMIT_EXCEEDED",
               "addresses");
  expect_error(a->post("/v1.0/extensions", extension_body("Big", "2999", many)), 400,
               "LIMIT_EXCEEDED", "contacts");
  EXPECT_EQ(everything(*a), before);
  many.pop_back();
  EXPECT_EQ(a->post("/v1.0/agents", agent_body("Full", many)).status, 200u);
}

// About the largest groupcall a 1 MiB body may describe: 1,000 long destinations
// and a source with every text at its limit. Legs share their caller's address instead of copying
// it, so ten of them cost tens of megabytes, not the gigabytes a 900 KB source once took.
TEST_F(HostileBody, LargestGroupcallsStayWithinBoundedMemory) {
  std::vector<std::string> destinations;
  for (int i = 0; i < 1000; ++i) {
    destinations.push_back(R"({"type":"endpoint","target":")" + std::to_string(i) + "@sim;" +
                           std::string(300, 'p') + R"(","name":")" + std::string(200, 'n') +
                           R"(","detail":")" + std::string(300, 'd') + R"("})");
  }
  std::string source = R"({"type":"tel","target":")" + std::string(512, '1') + R"(","name":")" +
                       std::string(256, 'n') + R"(","target_name":")" + std::string(256, 'm') +
                       R"(","detail":")" + std::string(1024, 'd') + R"("})";
  const long baseline = rss_kib(daemon->pid());
  ASSERT_GT(baseline, 0);
  for (int i = 0; i < 10; ++i) {
    auto r = a->post("/v1.0/groupcalls",
                     "{\"source\":" + source + ",\"destinations\":[" + join(destinations) + "]}");
    ASSERT_EQ(r.status, 200u) << r.body.substr(0, 300);
  }
  const long grown_mib = (rss_kib(daemon->pid()) - baseline) / 1024;
  RecordProperty("rss_growth_mib", std::to_string(grown_mib));
  EXPECT_LT(grown_mib, 300) << "10 groupcalls of 1,000 legs grew RSS by " << grown_mib << " MiB";
  // A page of 100 calls stays small: each carries bounded texts.
  auto page = a->get("/v1.0/calls?page_size=100");
  ASSERT_EQ(page.status, 200u);
  EXPECT_LT(page.body.size(), 100u * 6 * 1024);
}

}  // namespace
}  // namespace chorus::test
