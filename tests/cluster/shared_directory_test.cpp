// The directory across the nodes of a cluster (issue 20): an extension created on
// node A is known to node B (read, and rung by its number) without a restart, and
// its deletion on A reaches B too. Another customer's key sees none of it.

#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "tests/cluster/cluster_nodes.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/metrics.hpp"
#include "transport/cluster/directory_sharing.hpp"

namespace chorus::test {
namespace {

class SharedDirectory : public ClusterTest {};

TEST_F(SharedDirectory, AnExtensionMadeOnAIsReadAndRungOnBAndItsDeletionFollows) {
  auto a = node("node-a");
  auto b = node("node-b");
  auto created = client(*a, key_a)->post(
      "/v1.0/extensions",
      R"({"name":"Front desk","extension":"2001","contacts":[{"type":"endpoint","target":"d1@sim"}]})");
  ASSERT_EQ(created.status, 200u) << created.body;
  const std::string path = "/v1.0/extensions/" + field(created.body, "id");

  // Published before A answered; B takes it as it arrives, within moments.
  auto on_b = client(*b, key_a);
  ASSERT_TRUE(eventually([&] { return on_b->get(path).status == 200u; }, std::chrono::seconds(5)))
      << on_b->get(path).body;
  EXPECT_EQ(client(*b, key_b)->get(path).status, 404u) << "another customer's key";

  auto rung = on_b->post("/v1.0/groupcalls", R"({"source":{"type":"tel","target":"+15550100"},
      "destinations":[{"type":"extension","target":"2001"}]})");
  ASSERT_EQ(rung.status, 200u) << "B rings the extension by its number: " << rung.body;

  ASSERT_EQ(client(*a, key_a)->del(path).status, 200u);
  EXPECT_TRUE(eventually([&] { return on_b->get(path).status == 404u; }, std::chrono::seconds(5)))
      << "the deletion reached B: " << on_b->get(path).body;
}

// A directory write is acknowledged once every live node's directory has it: read
// on B and C the moment A has answered, with no waiting. A node that cannot
// confirm (frozen here, for less than its lease) delays the answer by a bounded
// time only, and is counted.
TEST_F(SharedDirectory, AWriteIsAcknowledgedOnceEveryLiveNodeHasItAndAFrozenOneDelaysItBoundedly) {
  auto a = node("node-a");
  auto b = node("node-b");
  auto c = node("node-c");
  // A knows the other two (it reads the leases as it renews its own, every second).
  ASSERT_TRUE(
      eventually([&] { return scrape_metrics(a->port())["chorus_cluster_other_nodes"] == 2; },
                 std::chrono::seconds(5)));
  for (int i = 0; i < 5; ++i) {
    auto created = client(*a, key_a)->post(
        "/v1.0/extensions", R"({"name":"Desk","extension":")" + std::to_string(2100 + i) +
                                R"(","contacts":[{"type":"endpoint","target":"d1@sim"}]})");
    ASSERT_EQ(created.status, 200u) << created.body;
    const std::string path = "/v1.0/extensions/" + field(created.body, "id");
    EXPECT_EQ(client(*b, key_a)->get(path).status, 200u) << "B had it when A answered";
    EXPECT_EQ(client(*c, key_a)->get(path).status, 200u) << "C had it when A answered";
  }
  EXPECT_EQ(scrape_metrics(a->port())["chorus_cluster_directory_unconfirmed_total"], 0);

  c->signal(SIGSTOP);
  const auto started = std::chrono::steady_clock::now();
  auto created = client(*a, key_a)->post("/v1.0/extensions", R"({"name":"Late","extension":"2200",
      "contacts":[{"type":"endpoint","target":"d1@sim"}]})");
  const auto took = std::chrono::steady_clock::now() - started;
  c->signal(SIGCONT);
  ASSERT_EQ(created.status, 200u) << "committed: acknowledged though C did not confirm";
  EXPECT_GE(took, std::chrono::milliseconds(SharingStore::confirm_timeout_ms - 50));
  EXPECT_LT(took, std::chrono::milliseconds(SharingStore::confirm_timeout_ms + 1500));
  EXPECT_EQ(scrape_metrics(a->port())["chorus_cluster_directory_unconfirmed_total"], 1);
  EXPECT_EQ(client(*b, key_a)->get("/v1.0/extensions/" + field(created.body, "id")).status, 200u);
}

// Ring group ids are Yeastar's integers, handed out by the shared store's sequence:
// two nodes creating groups at the same moment never give two of them one id (each
// node counting on its own would, and the later write would replace the earlier).
TEST_F(SharedDirectory, RingGroupsCreatedOnTwoNodesAtOnceNeverShareAnId) {
  auto a = node("node-a");
  auto b = node("node-b");
  auto extension = client(*a, key_a)->post("/v1.0/extensions", R"({"name":"Desk","extension":"3071",
      "contacts":[{"type":"endpoint","target":"d1@sim"}]})");
  ASSERT_EQ(extension.status, 200u) << extension.body;
  ASSERT_TRUE(eventually(
      [&] {
        return client(*b, key_a)->get("/v1.0/extensions/" + field(extension.body, "id")).status ==
               200u;
      },
      std::chrono::seconds(5)));

  constexpr int per_node = 10;
  std::vector<std::string> answers[2];
  auto create_on = [&](const ChorusdProcess& on, int first_number, std::vector<std::string>& out) {
    HttpClient yeastar(on.port());
    for (int i = 0; i < per_node; ++i) {
      const std::string body = R"({"number":")" + std::to_string(first_number + i) +
                               R"(","member_list":[{"value":"3071","type":"extension"}]})";
      out.push_back(yeastar
                        .request("POST", "/openapi/v1.0/ringgroup/create?access_token=" + key_a,
                                 body, {{"Content-Type", "application/json"}})
                        .body);
    }
  };
  std::thread on_a([&] { create_on(*a, 6400, answers[0]); });
  std::thread on_b([&] { create_on(*b, 6500, answers[1]); });
  on_a.join();
  on_b.join();

  std::set<std::string> ids;
  for (const auto& node_answers : answers) {
    for (const std::string& answer : node_answers) {
      rapidjson::Document doc;
      doc.Parse(answer.c_str());
      ASSERT_TRUE(doc.IsObject() && doc.HasMember("errcode") && doc["errcode"].GetInt() == 0)
          << answer;
      ASSERT_TRUE(doc.HasMember("data") && doc["data"].IsObject() && doc["data"].HasMember("id") &&
                  doc["data"]["id"].IsInt())
          << answer;
      ids.insert(std::to_string(doc["data"]["id"].GetInt()));
    }
  }
  EXPECT_EQ(ids.size(), 2u * per_node) << "two ring groups were given one id";
}

TEST(DirectoryChange, AnEntryCrossesWholeAndNothingElseIsTaken) {
  auto agent = std::make_shared<Agent>();
  agent->id = Uuid::generate();
  agent->customer_id = *Uuid::parse(customer_a);
  agent->name = "Alice";
  const StoreRow row{std::shared_ptr<const Agent>(agent)};
  auto text = encode_directory_change(row);
  ASSERT_TRUE(text.has_value());
  auto back = decode_directory_change(*text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto* read = std::get_if<std::shared_ptr<const Agent>>(&*back);
  ASSERT_TRUE(read && *read);
  EXPECT_EQ((*read)->id, agent->id);
  EXPECT_EQ((*read)->name, "Alice");

  auto call = std::make_shared<Call>();
  EXPECT_FALSE(encode_directory_change(StoreRow(std::shared_ptr<const Call>(call))).has_value())
      << "a call is not the directory's";
  for (const std::string refused :
       {"", "[]", R"({"table":"calls","body":"{}"})", R"({"table":"agents"})",
        R"({"table":"agents","body":"not json"})", R"({"table":"agents","body":"{}"})"}) {
    EXPECT_FALSE(decode_directory_change(refused).ok()) << refused;
  }
}

}  // namespace
}  // namespace chorus::test
