// Instant group calls through the engine's directory API: created with an id of
// Chorus's own, renamed by a PUT under that id, serviceUserId and phoneNumber each
// unique within the customer (a conflict naming the field), customers isolated,
// the bulk active change all or none (in memory and on disk), a refused commit
// changing nothing, and everything back after a restart over SQLite.

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../scratch_dir.hpp"
#include "actors/engine_context.hpp"
#include "actors/store/sqlite_store.hpp"
#include "engine_probe.hpp"
#include "fake_store.hpp"
#include "threaded_options.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"

namespace chorus::test {
namespace {

using namespace std::chrono_literals;

InstantGroupCall service(const Uuid& customer, std::string service_user_id,
                         std::string phone_number = "", std::string group = "grp1") {
  InstantGroupCall s;
  s.customer_id = customer;
  s.tenant_id = "tenant1";
  s.group_id = std::move(group);
  s.service_user_id = std::move(service_user_id);
  s.name = "Sales hunt";
  s.phone_number = std::move(phone_number);
  s.destination_phone_numbers = {"+15551230001", "+15551230002"};
  return s;
}

using Changes = std::vector<std::pair<std::string, bool>>;

template <class T>
void expect_error(const Result<T>& result, ErrorCode code, const std::string& field) {
  ASSERT_FALSE(result.ok()) << "accepted; expected an error at " << field;
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_EQ(result.error().field, field) << result.error().message;
}

class InstantGroupCallDirectory : public ::testing::Test {
 protected:
  explicit InstantGroupCallDirectory(std::shared_ptr<Store> store = nullptr)
      : engine(std::make_shared<SimulatedLegDriver>(), threaded_options(), std::move(store)) {}

  InstantGroupCall create(const InstantGroupCall& s) {
    auto put = engine.put_instant_group_call(s);
    EXPECT_TRUE(put.ok()) << put.error().message;
    return put.ok() ? *put : s;
  }

  std::optional<InstantGroupCall> get(const std::string& service_user_id,
                                      const std::string& group = "grp1") {
    return engine.instant_group_call(customer, "tenant1", group, service_user_id);
  }

  std::vector<std::string> listed(const Uuid& owner, const std::string& group = "grp1") {
    std::vector<std::string> ids;
    for (auto& s : engine.instant_group_calls(owner, "tenant1", group)) {
      ids.push_back(s.service_user_id);
    }
    return ids;
  }

  const DirectoryView& dial_plan() { return EngineProbe(engine).context().directory; }

  Engine engine;
  const Uuid customer = Uuid::generate();
  const Uuid other = Uuid::generate();
};

TEST_F(InstantGroupCallDirectory, CreatedWithAnIdFoundListedByServiceUserIdAndRemoved) {
  const InstantGroupCall sales = create(service(customer, "sales@example.com", "+15550001"));
  EXPECT_FALSE(sales.id.is_zero());
  EXPECT_TRUE(sales.tm_create.is_set());
  EXPECT_FALSE(sales.tm_update.is_set());
  EXPECT_EQ(get("sales@example.com"), sales);
  EXPECT_FALSE(get("sales@example.com", "grp2").has_value());  // another group's path

  create(service(customer, "zulu@example.com"));
  create(service(customer, "alpha@example.com"));
  create(service(customer, "beta@example.com", "", "grp2"));
  EXPECT_EQ(listed(customer), (std::vector<std::string>{"alpha@example.com", "sales@example.com",
                                                        "zulu@example.com"}));
  EXPECT_EQ(listed(customer, "grp2"), std::vector<std::string>{"beta@example.com"});
  EXPECT_TRUE(engine.instant_group_calls(customer, "tenant2", "grp1").empty());

  auto removed = engine.remove_instant_group_call(customer, sales.id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(removed->tm_delete.is_set());
  EXPECT_EQ(removed->service_user_id, "sales@example.com");
  EXPECT_FALSE(get("sales@example.com").has_value());
  EXPECT_FALSE(dial_plan().find_instant_group_call(customer, "+15550001").has_value());
  EXPECT_EQ(listed(customer).size(), 2u);
  expect_error(engine.remove_instant_group_call(customer, sales.id), ErrorCode::not_found, "");
  // Its serviceUserId and number are free again.
  create(service(customer, "sales@example.com", "+15550001"));
}

TEST_F(InstantGroupCallDirectory, APutRenamesTheServiceUserIdUnderTheSameId) {
  const InstantGroupCall first = create(service(customer, "igc1@example.com", "+15550001"));
  InstantGroupCall renamed = first;
  renamed.service_user_id = "igc2@example.com";
  renamed.phone_number = "+15550002";
  renamed.answer_timeout_minutes = 12;
  auto put = engine.put_instant_group_call(renamed);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_EQ(put->id, first.id);
  EXPECT_EQ(put->tm_create, first.tm_create);
  EXPECT_TRUE(put->tm_update.is_set());
  EXPECT_FALSE(get("igc1@example.com").has_value());
  EXPECT_EQ(get("igc2@example.com"), *put);
  EXPECT_EQ(listed(customer), std::vector<std::string>{"igc2@example.com"});
  // The dial plan finds it by the new id and the new number only.
  EXPECT_FALSE(dial_plan().find_instant_group_call(customer, "igc1@example.com"));
  EXPECT_FALSE(dial_plan().find_instant_group_call(customer, "+15550001"));
  EXPECT_EQ(dial_plan().find_instant_group_call(customer, "igc2@example.com")->id, first.id);
  EXPECT_EQ(dial_plan().find_instant_group_call(customer, "+15550002")->id, first.id);
  // The old name is free for another service.
  create(service(customer, "igc1@example.com", "+15550001"));
}

TEST_F(InstantGroupCallDirectory, ServiceUserIdAndPhoneNumberAreEachUniqueWithinTheCustomer) {
  const InstantGroupCall sales = create(service(customer, "sales@example.com", "+15550001"));
  const InstantGroupCall support = create(service(customer, "support@example.com"));

  // In the same group and in another group of the same customer alike.
  expect_error(engine.put_instant_group_call(service(customer, "sales@example.com")),
               ErrorCode::conflict, "serviceUserId");
  expect_error(engine.put_instant_group_call(service(customer, "sales@example.com", "", "grp2")),
               ErrorCode::conflict, "serviceUserId");
  auto taken_number =
      engine.put_instant_group_call(service(customer, "new@example.com", "+15550001", "grp2"));
  expect_error(taken_number, ErrorCode::conflict, "serviceInstanceProfile.phoneNumber");
  EXPECT_NE(taken_number.error().message.find("sales@example.com"), std::string::npos)
      << taken_number.error().message;
  // A rename or a new number onto another service's is refused the same way.
  InstantGroupCall clash = support;
  clash.service_user_id = "sales@example.com";
  expect_error(engine.put_instant_group_call(clash), ErrorCode::conflict, "serviceUserId");
  clash = support;
  clash.phone_number = "+15550001";
  expect_error(engine.put_instant_group_call(clash), ErrorCode::conflict,
               "serviceInstanceProfile.phoneNumber");
  // Nothing changed, nothing was added.
  EXPECT_EQ(get("support@example.com"), support);
  EXPECT_EQ(listed(customer),
            (std::vector<std::string>{"sales@example.com", "support@example.com"}));
  EXPECT_TRUE(listed(customer, "grp2").empty());

  // A service keeps its own name and number through a PUT, and an empty number
  // is nobody's.
  InstantGroupCall same = sales;
  same.name = "Sales again";
  ASSERT_TRUE(engine.put_instant_group_call(same).ok());
  create(service(customer, "third@example.com"));
  // The service's own rules run too (the engine may be embedded without a dialect).
  InstantGroupCall bad = service(customer, "fourth@example.com");
  bad.answer_timeout_minutes = 61;
  expect_error(engine.put_instant_group_call(bad), ErrorCode::invalid_argument,
               "answerTimeoutMinutes");
  expect_error(engine.put_instant_group_call(service(customer, "")), ErrorCode::invalid_argument,
               "serviceUserId");
}

TEST_F(InstantGroupCallDirectory, CustomersAreIsolated) {
  const InstantGroupCall mine = create(service(customer, "sales@example.com", "+15550001"));
  // Another customer may hold the same serviceUserId and number.
  const InstantGroupCall theirs = create(service(other, "sales@example.com", "+15550001"));
  EXPECT_NE(theirs.id, mine.id);
  EXPECT_EQ(get("sales@example.com"), mine);
  EXPECT_EQ(engine.instant_group_call(other, "tenant1", "grp1", "sales@example.com"), theirs);
  EXPECT_EQ(dial_plan().find_instant_group_call(customer, "+15550001")->id, mine.id);
  EXPECT_EQ(dial_plan().find_instant_group_call(other, "sales@example.com")->id, theirs.id);
  EXPECT_FALSE(dial_plan().find_instant_group_call(Uuid::generate(), "sales@example.com"));

  // Another customer's id is unknown to this one: no update, no removal.
  InstantGroupCall hijack = theirs;
  hijack.customer_id = customer;
  hijack.service_user_id = "hijack@example.com";
  hijack.phone_number.clear();
  expect_error(engine.put_instant_group_call(hijack), ErrorCode::not_found, "");
  expect_error(engine.remove_instant_group_call(customer, theirs.id), ErrorCode::not_found, "");
  InstantGroupCall unknown = service(customer, "ghost@example.com");
  unknown.id = Uuid::generate();
  expect_error(engine.put_instant_group_call(unknown), ErrorCode::not_found, "");
  expect_error(engine.set_instant_group_calls_active(other, "tenant1", "grp1",
                                                     Changes{{"hijack@example.com", false}}),
               ErrorCode::not_found, "serviceUserId");
  EXPECT_EQ(engine.instant_group_call(other, "tenant1", "grp1", "sales@example.com"), theirs);
  EXPECT_EQ(listed(customer), std::vector<std::string>{"sales@example.com"});
}

TEST_F(InstantGroupCallDirectory, TheBulkActiveChangeIsAllOrNone) {
  const InstantGroupCall a = create(service(customer, "a@example.com"));
  const InstantGroupCall b = create(service(customer, "b@example.com"));
  const InstantGroupCall elsewhere = create(service(customer, "c@example.com", "", "grp2"));

  // One unknown serviceUserId (or one of another group) refuses the whole change.
  auto refused = engine.set_instant_group_calls_active(
      customer, "tenant1", "grp1",
      Changes{{"a@example.com", false}, {"nobody@example.com", false}});
  expect_error(refused, ErrorCode::not_found, "serviceUserId");
  EXPECT_NE(refused.error().message.find("nobody@example.com"), std::string::npos)
      << refused.error().message;
  expect_error(
      engine.set_instant_group_calls_active(
          customer, "tenant1", "grp1", Changes{{"a@example.com", false}, {"c@example.com", false}}),
      ErrorCode::not_found, "serviceUserId");
  EXPECT_EQ(get("a@example.com"), a);
  EXPECT_EQ(get("c@example.com", "grp2"), elsewhere);

  auto changed = engine.set_instant_group_calls_active(
      customer, "tenant1", "grp1", Changes{{"b@example.com", false}, {"a@example.com", false}});
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  ASSERT_EQ(changed->size(), 2u);
  EXPECT_EQ((*changed)[0].id, b.id);  // in the order asked
  EXPECT_EQ((*changed)[1].id, a.id);
  EXPECT_FALSE(get("a@example.com")->active);
  EXPECT_FALSE(get("b@example.com")->active);
  EXPECT_TRUE(get("a@example.com")->tm_update.is_set());
  EXPECT_EQ(get("a@example.com")->tm_create, a.tm_create);
  EXPECT_TRUE(get("c@example.com", "grp2")->active);
  EXPECT_FALSE(dial_plan().find_instant_group_call(customer, "a@example.com")->active);

  ASSERT_TRUE(engine
                  .set_instant_group_calls_active(customer, "tenant1", "grp1",
                                                  Changes{{"a@example.com", true}})
                  .ok());
  EXPECT_TRUE(get("a@example.com")->active);
  EXPECT_FALSE(get("b@example.com")->active);
  auto nothing = engine.set_instant_group_calls_active(customer, "tenant1", "grp1", Changes{});
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
}

// Built before the engine that writes to it.
struct FakeStoreHolder {
  std::shared_ptr<FakeStore> fake_ = std::make_shared<FakeStore>();
};

class StoredInstantGroupCalls : private FakeStoreHolder, public InstantGroupCallDirectory {
 protected:
  StoredInstantGroupCalls() : InstantGroupCallDirectory(fake_) {}
  // A failed assertion must not leave the engine's stop() retrying a failing store.
  ~StoredInstantGroupCalls() override { fake_->fail_with(std::nullopt); }
  using FakeStoreHolder::fake_;
};

TEST_F(StoredInstantGroupCalls, TheBulkActiveChangeIsOneCommitOfEveryRow) {
  create(service(customer, "a@example.com"));
  create(service(customer, "b@example.com"));
  create(service(customer, "c@example.com"));
  auto writes = fake_->batch_sizes().size();
  // Held at the gate, the writer cannot commit the first row before the others
  // are queued; released, it finds all three in its queue at once.
  fake_->hold();
  auto changing = std::async(std::launch::async, [&] {
    return engine.set_instant_group_calls_active(
        customer, "tenant1", "grp1",
        Changes{{"a@example.com", false}, {"b@example.com", false}, {"c@example.com", false}});
  });
  ASSERT_TRUE(fake_->await_writes(writes + 1));
  fake_->release();
  auto changed = changing.get();
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  auto batches = fake_->batch_sizes();
  ASSERT_EQ(batches.size(), writes + 1);
  EXPECT_EQ(batches.back(), 3u);
  auto stored = fake_->load();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->instant_group_calls.size(), 3u);
  for (auto& s : stored->instant_group_calls) EXPECT_FALSE(s.active) << s.service_user_id;
}

TEST_F(StoredInstantGroupCalls, ARefusedCommitChangesNothing) {
  const InstantGroupCall a = create(service(customer, "a@example.com", "+15550001"));
  const InstantGroupCall b = create(service(customer, "b@example.com"));

  fake_->fail_with("store: read-only");
  InstantGroupCall renamed = a;
  renamed.service_user_id = "renamed@example.com";
  EXPECT_EQ(engine.put_instant_group_call(renamed).error().code, ErrorCode::unavailable);
  EXPECT_FALSE(engine.put_instant_group_call(service(customer, "new@example.com")).ok());
  EXPECT_FALSE(engine.remove_instant_group_call(customer, b.id).ok());
  auto bulk = engine.set_instant_group_calls_active(
      customer, "tenant1", "grp1", Changes{{"a@example.com", false}, {"b@example.com", false}});
  EXPECT_EQ(bulk.error().code, ErrorCode::unavailable);
  fake_->fail_with(std::nullopt);

  EXPECT_EQ(get("a@example.com"), a);
  EXPECT_EQ(get("b@example.com"), b);
  EXPECT_FALSE(get("renamed@example.com").has_value());
  EXPECT_FALSE(get("new@example.com").has_value());
  EXPECT_EQ(listed(customer), (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_EQ(dial_plan().find_instant_group_call(customer, "+15550001")->service_user_id,
            "a@example.com");
  // Once the store writes again, nothing refused turns up on disk either.
  ASSERT_TRUE(EngineProbe(engine).context().writer->flush(5s));
  auto stored = fake_->load();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->instant_group_calls.size(), 2u);
  for (auto& s : stored->instant_group_calls) {
    EXPECT_EQ(s, s.id == a.id ? a : b);
  }
}

std::shared_ptr<Store> open_sqlite(const ScratchDir& dir) {
  StoreOptions options;
  options.data_dir = dir.path();
  auto store = SqliteStore::open(options);
  EXPECT_TRUE(store.ok()) << store.error().message;
  return store.ok() ? std::shared_ptr<Store>(std::move(*store)) : nullptr;
}

TEST(InstantGroupCallRestart, ServicesComeBackAsTheyWereLeft) {
  ScratchDir dir;
  const Uuid customer = Uuid::generate();
  InstantGroupCall renamed;
  InstantGroupCall inactive;
  {
    Engine engine(std::make_shared<SimulatedLegDriver>(), threaded_options(), open_sqlite(dir));
    ASSERT_TRUE(engine.recover().ok());
    InstantGroupCall full = service(customer, "igc1@example.com", "+15550001");
    full.department = ApioDepartment{"tenant1", "grp1", "Sales", ""};
    full.cli_first_name = "Zoë";
    full.cli_last_name = "Ångström";
    full.language = "English";
    full.time_zone = "Europe/Brussels";
    full.extension = "0001";
    full.answer_timeout_minutes = 7;
    full.answer_timeout_enabled = true;
    full.template_name = "igc-template";
    auto created = engine.put_instant_group_call(full);
    ASSERT_TRUE(created.ok()) << created.error().message;
    renamed = *created;
    renamed.service_user_id = "igc1-renamed@example.com";
    renamed = *engine.put_instant_group_call(renamed);
    inactive = *engine.put_instant_group_call(service(customer, "igc2@example.com", "+15550002"));
    auto gone = engine.put_instant_group_call(service(customer, "igc3@example.com", "+15550003"));
    ASSERT_TRUE(gone.ok());
    ASSERT_TRUE(engine.remove_instant_group_call(customer, gone->id).ok());
    auto changed = engine.set_instant_group_calls_active(customer, "tenant1", "grp1",
                                                         Changes{{"igc2@example.com", false}});
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    inactive = changed->front();
  }

  Engine engine(std::make_shared<SimulatedLegDriver>(), threaded_options(), open_sqlite(dir));
  ASSERT_TRUE(engine.recover().ok());
  auto services = engine.instant_group_calls(customer, "tenant1", "grp1");
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0], renamed);
  EXPECT_EQ(services[1], inactive);
  EXPECT_FALSE(services[1].active);
  EngineProbe probe(engine);
  EXPECT_EQ(probe.context().directory.find_instant_group_call(customer, "+15550001")->id,
            renamed.id);
  EXPECT_FALSE(probe.context().directory.find_instant_group_call(customer, "igc3@example.com"));
  // Uniqueness holds over what was restored; the removed one's names are free.
  expect_error(engine.put_instant_group_call(service(customer, "other@example.com", "+15550002")),
               ErrorCode::conflict, "serviceInstanceProfile.phoneNumber");
  auto reused = engine.put_instant_group_call(service(customer, "igc3@example.com", "+15550003"));
  ASSERT_TRUE(reused.ok()) << reused.error().message;
  // An update after the restart keeps the id the first process gave.
  InstantGroupCall again = renamed;
  again.name = "after restart";
  auto updated = engine.put_instant_group_call(again);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_EQ(updated->id, renamed.id);
  EXPECT_EQ(updated->tm_create, renamed.tm_create);
}

}  // namespace
}  // namespace chorus::test
