// Extension groups, ring groups and missed calls through the engine's API: writes
// validated against the customer's directory, ring group ids from one sequence
// that is never reused, numbers unique among ring groups and extensions both
// ways, customers isolated, a refused commit changing nothing, and everything back
// with the same ids after a restart over SQLite.

#include <gtest/gtest.h>

#include <memory>

#include "../scratch_dir.hpp"
#include "actors/engine_context.hpp"
#include "actors/missed_calls.hpp"
#include "actors/store/sqlite_store.hpp"
#include "engine_probe.hpp"
#include "fake_store.hpp"
#include "threaded_options.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

RingGroupMember member(std::string value,
                       RingGroupMemberType type = RingGroupMemberType::extension) {
  RingGroupMember m;
  m.value = std::move(value);
  m.type = type;
  return m;
}

class DirectoryGroups : public ::testing::Test {
 protected:
  explicit DirectoryGroups(std::shared_ptr<Store> store = nullptr)
      : engine(std::make_shared<SimulatedLegDriver>(), threaded_options(), std::move(store)) {}

  Extension put_extension(const Uuid& customer, std::string number) {
    Extension e;
    e.customer_id = customer;
    e.name = "ext " + number;
    e.extension = std::move(number);
    auto put = engine.put_extension(e);
    EXPECT_TRUE(put.ok()) << put.error().message;
    return put.ok() ? *put : e;
  }

  RingGroup ring_group(const Uuid& customer, std::string number,
                       std::vector<RingGroupMember> members) {
    RingGroup g;
    g.customer_id = customer;
    g.number = std::move(number);
    g.name = "group " + g.number;
    g.member_list = std::move(members);
    return g;
  }

  RingGroup create(const RingGroup& group) {
    auto put = engine.put_ring_group(group);
    EXPECT_TRUE(put.ok()) << put.error().message;
    return put.ok() ? *put : group;
  }

  Engine engine;
  const Uuid customer = Uuid::generate();
  const Uuid other = Uuid::generate();
};

void expect_error(const Result<RingGroup>& result, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(result.ok()) << "accepted; expected " << field;
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_EQ(result.error().field, field) << result.error().message;
}

TEST_F(DirectoryGroups, ExtensionGroupsAreCreatedUpdatedListedAndRemoved) {
  const Extension alice = put_extension(customer, "2001");
  put_extension(customer, "2002");
  ExtensionGroup group;
  group.customer_id = customer;
  group.name = "Support";
  group.extensions = {"2002", alice.id.to_string()};
  auto created = engine.put_extension_group(group);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(created->id.is_zero());
  EXPECT_TRUE(created->tm_create.is_set());
  EXPECT_FALSE(created->tm_update.is_set());

  ExtensionGroup renamed = *created;
  renamed.name = "Support 2";
  auto updated = engine.put_extension_group(renamed);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, created->id);
  EXPECT_EQ(updated->tm_create, created->tm_create);
  EXPECT_TRUE(updated->tm_update.is_set());
  EXPECT_EQ(engine.extension_group(customer, created->id)->name, "Support 2");
  ASSERT_EQ(engine.extension_groups(customer).size(), 1u);

  auto removed = engine.remove_extension_group(customer, created->id);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(removed->tm_delete.is_set());
  EXPECT_FALSE(engine.extension_group(customer, created->id).has_value());
  EXPECT_TRUE(engine.extension_groups(customer).empty());
  EXPECT_EQ(engine.remove_extension_group(customer, created->id).error().code,
            ErrorCode::not_found);
}

TEST_F(DirectoryGroups, AnExtensionGroupNamesOnlyTheCustomersExtensionsUnderAUniqueName) {
  put_extension(customer, "2001");
  const Extension theirs = put_extension(other, "2002");
  ExtensionGroup group;
  group.customer_id = customer;
  group.name = "Support";
  group.extensions = {"2001", "2002"};
  auto unknown = engine.put_extension_group(group);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(unknown.error().field, "extensions[1]");
  group.extensions = {"2001", theirs.id.to_string()};
  EXPECT_EQ(engine.put_extension_group(group).error().field, "extensions[1]");

  group.extensions = {"2001"};
  auto created = engine.put_extension_group(group);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto twin = engine.put_extension_group(group);
  ASSERT_FALSE(twin.ok());
  EXPECT_EQ(twin.error().code, ErrorCode::conflict);
  EXPECT_EQ(twin.error().field, "name");
  EXPECT_EQ(engine.extension_groups(customer).size(), 1u);

  // Another customer neither sees it nor changes it, and may use the name.
  EXPECT_FALSE(engine.extension_group(other, created->id).has_value());
  EXPECT_EQ(engine.remove_extension_group(other, created->id).error().code, ErrorCode::not_found);
  ExtensionGroup hijack = *created;
  hijack.customer_id = other;
  hijack.extensions = {"2002"};
  EXPECT_EQ(engine.put_extension_group(hijack).error().code, ErrorCode::not_found);
  ExtensionGroup theirs_group = group;
  theirs_group.customer_id = other;
  theirs_group.extensions = {"2002"};
  EXPECT_TRUE(engine.put_extension_group(theirs_group).ok());
}

TEST_F(DirectoryGroups, RingGroupIdsComeFromOneSequenceAcrossCustomersAndAreNeverReused) {
  put_extension(customer, "2001");
  put_extension(other, "2001");
  const RingGroup first = create(ring_group(customer, "6300", {member("2001")}));
  const RingGroup second = create(ring_group(other, "6300", {member("2001")}));
  const RingGroup third = create(ring_group(customer, "6301", {member("2001")}));
  EXPECT_EQ(first.id, 1);
  EXPECT_EQ(second.id, 2);
  EXPECT_EQ(third.id, 3);
  EXPECT_TRUE(first.tm_create.is_set());

  auto listed = engine.ring_groups(customer);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, 1);
  EXPECT_EQ(listed[1].id, 3);
  EXPECT_EQ(engine.ring_groups(other).size(), 1u);

  ASSERT_TRUE(engine.remove_ring_group(customer, 3).ok());
  EXPECT_FALSE(engine.ring_group(customer, 3).has_value());
  EXPECT_EQ(create(ring_group(customer, "6302", {member("2001")})).id, 4);
}

TEST_F(DirectoryGroups, RingGroupsAreUpdatedByIdAndIsolatedByCustomer) {
  put_extension(customer, "2001");
  put_extension(customer, "2002");
  RingGroup group = create(ring_group(customer, "6300", {member("2001")}));
  group.member_list.push_back(member("2002"));
  group.ring_strategy = RingStrategy::memory_hunt;
  auto updated = engine.put_ring_group(group);  // keeping its own number
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, group.id);
  EXPECT_TRUE(updated->tm_update.is_set());
  EXPECT_EQ(engine.ring_group(customer, group.id)->member_list.size(), 2u);

  RingGroup unknown = group;
  unknown.id = 99;
  expect_error(engine.put_ring_group(unknown), ErrorCode::not_found, "");
  RingGroup hijack = group;
  hijack.customer_id = other;
  hijack.member_list = {member("2001")};
  expect_error(engine.put_ring_group(hijack), ErrorCode::not_found, "");
  EXPECT_FALSE(engine.ring_group(other, group.id).has_value());
  EXPECT_EQ(engine.remove_ring_group(other, group.id).error().code, ErrorCode::not_found);
  EXPECT_TRUE(engine.ring_group(customer, group.id).has_value());

  RingGroup invalid = group;
  invalid.ring_timeout = 0;
  expect_error(engine.put_ring_group(invalid), ErrorCode::invalid_argument, "ring_timeout");
  EXPECT_EQ(engine.ring_group(customer, group.id)->ring_strategy, RingStrategy::memory_hunt);
}

TEST_F(DirectoryGroups, ANumberIsUniqueAmongTheCustomersRingGroupsAndExtensionsBothWays) {
  put_extension(customer, "2001");
  create(ring_group(customer, "6300", {member("2001")}));

  expect_error(engine.put_ring_group(ring_group(customer, "6300", {member("2001")})),
               ErrorCode::conflict, "number");
  expect_error(engine.put_ring_group(ring_group(customer, "2001", {member("2001")})),
               ErrorCode::conflict, "number");
  Extension taken;
  taken.customer_id = customer;
  taken.extension = "6300";
  auto refused = engine.put_extension(taken);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().field, "extension");
  EXPECT_EQ(engine.extensions(customer).size(), 1u);
  EXPECT_EQ(engine.ring_groups(customer).size(), 1u);

  // Another customer's numbers are its own.
  put_extension(other, "6300");
  EXPECT_TRUE(engine.put_ring_group(ring_group(other, "2001", {member("6300")})).ok());
}

TEST_F(DirectoryGroups, MembersAndFailoversNameTheCustomersOwnExtensionsAndGroups) {
  const Extension alice = put_extension(customer, "2001");
  const Extension theirs = put_extension(other, "3001");
  ExtensionGroup team;
  team.customer_id = customer;
  team.name = "Support";
  team.extensions = {"2001"};
  auto group = engine.put_extension_group(team);
  ASSERT_TRUE(group.ok()) << group.error().message;

  RingGroupMember together;
  together.type = RingGroupMemberType::group;
  together.sub_option = std::vector<RingGroupMember>{
      member(alice.id.to_string()), member(group->id.to_string(), RingGroupMemberType::ext_group)};
  RingGroup valid =
      ring_group(customer, "6300",
                 {member("2001"), member("Support", RingGroupMemberType::ext_group), together});
  valid.ring_strategy = RingStrategy::custom;
  valid.fail_dest = FailoverDest::extension;
  valid.fail_dest_value = alice.id.to_string();
  ASSERT_TRUE(engine.put_ring_group(valid).ok());

  auto with = [&](auto change) {
    RingGroup g = valid;
    g.number = "6399";
    change(g);
    return engine.put_ring_group(g);
  };
  expect_error(with([](RingGroup& g) { g.member_list[0].value = "2999"; }),
               ErrorCode::invalid_argument, "member_list[0].value");
  expect_error(with([&](RingGroup& g) { g.member_list[0].value = theirs.id.to_string(); }),
               ErrorCode::invalid_argument, "member_list[0].value");
  expect_error(with([](RingGroup& g) { g.member_list[1].value = "Sales"; }),
               ErrorCode::invalid_argument, "member_list[1].value");
  expect_error(with([](RingGroup& g) { (*g.member_list[2].sub_option)[1].value = "Sales"; }),
               ErrorCode::invalid_argument, "member_list[2].sub_option[1].value");
  expect_error(with([](RingGroup& g) { g.fail_dest_value = "3001"; }), ErrorCode::invalid_argument,
               "fail_dest_value");
  expect_error(with([](RingGroup& g) {
                 g.no_agent_online_dest = FailoverDest::extension;
                 g.no_agent_online_value = "2999";
               }),
               ErrorCode::invalid_argument, "no_agent_online_value");
  EXPECT_EQ(engine.ring_groups(customer).size(), 1u);
}

TEST_F(DirectoryGroups, TheDialPlanFindsRingGroupsByNumberOrIdAndExtensionGroupsByIdOrName) {
  put_extension(customer, "2001");
  const RingGroup group = create(ring_group(customer, "6300", {member("2001")}));
  ExtensionGroup team;
  team.customer_id = customer;
  team.name = "Support";
  team.extensions = {"2001"};
  auto created = engine.put_extension_group(team);
  ASSERT_TRUE(created.ok());

  EngineProbe probe(engine);
  const DirectoryView& view = probe.context().directory;
  EXPECT_EQ(view.find_ring_group(customer, "6300")->id, group.id);
  EXPECT_EQ(view.find_ring_group(customer, std::to_string(group.id))->number, "6300");
  EXPECT_FALSE(view.find_ring_group(customer, "6301").has_value());
  EXPECT_FALSE(view.find_ring_group(customer, "").has_value());
  EXPECT_FALSE(view.find_ring_group(other, "6300").has_value());
  EXPECT_FALSE(view.find_ring_group(other, std::to_string(group.id)).has_value());
  EXPECT_EQ(view.find_extension_group(customer, "Support")->id, created->id);
  EXPECT_EQ(view.find_extension_group(customer, created->id.to_string())->name, "Support");
  EXPECT_FALSE(view.find_extension_group(other, "Support").has_value());
  EXPECT_FALSE(view.find_extension_group(other, created->id.to_string()).has_value());
}

MissedCall missed_for(const Uuid& customer, const Uuid& extension, std::int64_t micros) {
  MissedCall m;
  m.customer_id = customer;
  m.extension_id = extension;
  m.ring_group_id = 1;
  m.tm_create = Timestamp::from_micros(1'600'000'000'000'000 + micros);
  return m;
}

TEST_F(DirectoryGroups, WithoutAStoreMissedCallsAreKeptInMemoryNewestFirstAndBounded) {
  const Extension alice = put_extension(customer, "2001");
  EngineProbe probe(engine);
  for (int i = 0; i < 3; ++i)
    record_missed_call(probe.context(), missed_for(customer, alice.id, i));

  auto listed = engine.missed_calls(customer, alice.id, 10);
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_FALSE((*listed)[0].id.is_zero());  // assigned on record
  EXPECT_EQ((*listed)[0].tm_create.micros() % 10, 2);
  EXPECT_EQ((*listed)[2].tm_create.micros() % 10, 0);
  auto page = engine.missed_calls(customer, alice.id, 1, (*listed)[0].tm_create);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, (*listed)[1].id);

  EXPECT_EQ(engine.missed_calls(other, alice.id, 10).error().code, ErrorCode::not_found);
  EXPECT_EQ(engine.missed_calls(customer, Uuid::generate(), 10).error().code, ErrorCode::not_found);

  for (int i = 3; i < 1005; ++i) {
    record_missed_call(probe.context(), missed_for(customer, alice.id, i));
  }
  auto bounded = engine.missed_calls(customer, alice.id, 5000);
  ASSERT_TRUE(bounded.ok());
  ASSERT_EQ(bounded->size(), MissedCallLog::per_extension);
  EXPECT_EQ(bounded->back().tm_create.micros() % 10000, 5);  // the oldest five went
}

// Built before the engine that writes to it.
struct FakeStoreHolder {
  std::shared_ptr<FakeStore> fake_ = std::make_shared<FakeStore>();
};

class StoredDirectoryGroups : private FakeStoreHolder, public DirectoryGroups {
 protected:
  StoredDirectoryGroups() : DirectoryGroups(fake_) {}
  // A failed assertion must not leave the engine's stop() retrying a failing store.
  ~StoredDirectoryGroups() override { fake_->fail_with(std::nullopt); }
  using FakeStoreHolder::fake_;
};

TEST_F(StoredDirectoryGroups, ARefusedCommitChangesNothing) {
  put_extension(customer, "2001");
  RingGroup group = create(ring_group(customer, "6300", {member("2001")}));
  ExtensionGroup team;
  team.customer_id = customer;
  team.name = "Support";
  team.extensions = {"2001"};
  ASSERT_TRUE(engine.put_extension_group(team).ok());

  fake_->fail_with("store: read-only");
  RingGroup renamed = group;
  renamed.name = "renamed";
  EXPECT_FALSE(engine.put_ring_group(renamed).ok());
  EXPECT_FALSE(engine.put_ring_group(ring_group(customer, "6301", {member("2001")})).ok());
  EXPECT_FALSE(engine.remove_ring_group(customer, group.id).ok());
  team.name = "Sales";
  EXPECT_FALSE(engine.put_extension_group(team).ok());
  fake_->fail_with(std::nullopt);

  auto listed = engine.ring_groups(customer);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0], group);
  ASSERT_EQ(engine.extension_groups(customer).size(), 1u);
  EXPECT_EQ(engine.extension_groups(customer)[0].name, "Support");
  EXPECT_FALSE(EngineProbe(engine).context().directory.find_ring_group(customer, "6301"));
}

std::shared_ptr<Store> open_sqlite(const ScratchDir& dir) {
  StoreOptions options;
  options.data_dir = dir.path();
  auto store = SqliteStore::open(options);
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::shared_ptr<Store>(std::move(*store)) : nullptr;
}

TEST(DirectoryGroupsRestart, GroupsComeBackWithTheirIdsAndTheNextIdFollowsTheHighest) {
  ScratchDir dir;
  const Uuid customer = Uuid::generate();
  RingGroup kept;
  ExtensionGroup team;
  Extension alice;
  {
    Engine engine(std::make_shared<SimulatedLegDriver>(), threaded_options(), open_sqlite(dir));
    ASSERT_TRUE(engine.recover().ok());
    Extension e;
    e.customer_id = customer;
    e.extension = "2001";
    alice = *engine.put_extension(e);
    team.customer_id = customer;
    team.name = "Support";
    team.extensions = {"2001"};
    team = *engine.put_extension_group(team);
    RingGroup g;
    g.customer_id = customer;
    g.number = "6300";
    g.ring_strategy = RingStrategy::custom;
    g.ring_timeout = 0;
    RingGroupMember together;
    together.type = RingGroupMemberType::group;
    together.delay_time = 20;
    together.sub_option = std::vector<RingGroupMember>{member("2001")};
    g.member_list = {together, member("Support", RingGroupMemberType::ext_group)};
    g.enb_miss_call = 1;
    auto first = engine.put_ring_group(g);
    ASSERT_TRUE(first.ok()) << first.error().message;
    kept = *first;
    g.number = "6301";
    auto second = engine.put_ring_group(g);
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE(engine.remove_ring_group(customer, second->id).ok());
    EngineProbe probe(engine);
    record_missed_call(probe.context(), missed_for(customer, alice.id, 7));
    ASSERT_TRUE(probe.context().writer->flush(5s));
    auto missed = engine.missed_calls(customer, alice.id, 10);
    ASSERT_TRUE(missed.ok()) << missed.error().message;
    EXPECT_EQ(missed->size(), 1u);  // read back from the store
  }

  Engine engine(std::make_shared<SimulatedLegDriver>(), threaded_options(), open_sqlite(dir));
  ASSERT_TRUE(engine.recover().ok());
  auto group = engine.ring_group(customer, kept.id);
  ASSERT_TRUE(group.has_value());
  EXPECT_EQ(*group, kept);
  EXPECT_FALSE(engine.ring_group(customer, kept.id + 1).has_value());
  EXPECT_EQ(engine.extension_group(customer, team.id), team);
  EngineProbe probe(engine);
  EXPECT_EQ(probe.context().directory.find_ring_group(customer, "6300")->id, kept.id);
  // The number the deleted group held is free; its id is not.
  RingGroup next;
  next.customer_id = customer;
  next.number = "6301";
  next.member_list = {member("2001")};
  auto created = engine.put_ring_group(next);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->id, kept.id + 2);
  // The restored number still refuses an extension.
  Extension clash;
  clash.customer_id = customer;
  clash.extension = "6300";
  EXPECT_EQ(engine.put_extension(clash).error().code, ErrorCode::conflict);
  auto missed = engine.missed_calls(customer, alice.id, 10);
  ASSERT_TRUE(missed.ok());
  ASSERT_EQ(missed->size(), 1u);
  EXPECT_EQ(missed->front().tm_create, missed_for(customer, alice.id, 7).tm_create);
}

}  // namespace
}  // namespace chorus::test
