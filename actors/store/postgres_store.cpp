#include "actors/store/postgres_store.hpp"

#include <utility>

#include "actors/store/postgres_connection.hpp"
#include "actors/store/postgres_reader.hpp"
#include "actors/store/postgres_schema.hpp"
#include "actors/store/postgres_writer.hpp"
#include "actors/store/reader_pool.hpp"

namespace chorus {

PostgresStore::PostgresStore(std::string url, SyncMode sync, std::unique_ptr<PostgresWriter> writer)
    : url_(std::move(url)),
      sync_(sync),
      writer_(std::move(writer)),
      readers_(std::make_unique<ReaderPool<PostgresReader>>(url_, max_readers)) {}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const StoreOptions& options) {
  {
    Result<PgConnection> db = postgres_connect(options.postgres_url);
    if (!db) return db.error();
    Status migrated = postgres_migrate(db->get());
    if (!migrated) return migrated.error();
  }
  Result<std::unique_ptr<PostgresWriter>> writer =
      PostgresWriter::open(options.postgres_url, options.sync);
  if (!writer) return writer.error();
  return std::unique_ptr<PostgresStore>(
      new PostgresStore(options.postgres_url, options.sync, std::move(*writer)));
}

// A failure may leave the connection unusable (PostgreSQL restarted, the network
// cut, a pipeline half read), so the writer that failed is closed and the next
// call connects afresh: the fault clearing is all a retry needs.
template <class Answer, class Use>
Answer PostgresStore::with_writer(Use&& use) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  if (!writer_) {
    Result<std::unique_ptr<PostgresWriter>> reopened = PostgresWriter::open(url_, sync_);
    if (!reopened) return reopened.error();
    writer_ = std::move(*reopened);
  }
  Answer answer = use(*writer_);
  if (!answer.ok()) writer_.reset();
  return answer;
}

Status PostgresStore::write(const std::vector<StoreRow>& rows) {
  return with_writer<Status>([&](PostgresWriter& w) { return w.write(rows); });
}

Result<std::size_t> PostgresStore::purge(Timestamp cutoff, std::size_t limit) {
  return with_writer<Result<std::size_t>>(
      [&](PostgresWriter& w) { return w.purge(cutoff, limit); });
}

Status PostgresStore::probe() {
  return with_writer<Status>([&](PostgresWriter& w) { return w.probe(); });
}

Result<std::optional<Groupcall>> PostgresStore::groupcall(const Uuid& id) const {
  return readers_->with_reader([&](PostgresReader& r) { return r.groupcall(id); });
}

Result<std::optional<Call>> PostgresStore::call(const Uuid& id) const {
  return readers_->with_reader([&](PostgresReader& r) { return r.call(id); });
}

Result<std::vector<Groupcall>> PostgresStore::groupcalls(const Uuid& customer_id, std::size_t limit,
                                                         std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](PostgresReader& r) { return r.groupcalls(customer_id, limit, before); });
}

Result<std::vector<Call>> PostgresStore::calls(const Uuid& customer_id, std::size_t limit,
                                               std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](PostgresReader& r) { return r.calls(customer_id, limit, before); });
}

Result<std::optional<Conference>> PostgresStore::conference(const Uuid& id) const {
  return readers_->with_reader([&](PostgresReader& r) { return r.conference(id); });
}

Result<std::optional<Conferencecall>> PostgresStore::conferencecall(const Uuid& id) const {
  return readers_->with_reader([&](PostgresReader& r) { return r.conferencecall(id); });
}

Result<std::vector<Conference>> PostgresStore::conferences(const Uuid& customer_id,
                                                           std::size_t limit,
                                                           std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](PostgresReader& r) { return r.conferences(customer_id, limit, before); });
}

Result<std::vector<Conferencecall>> PostgresStore::conferencecalls(
    const Uuid& customer_id, std::size_t limit, std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](PostgresReader& r) { return r.conferencecalls(customer_id, limit, before); });
}

Result<std::vector<MissedCall>> PostgresStore::missed_calls(const Uuid& customer_id,
                                                            const Uuid& extension_id,
                                                            std::size_t limit,
                                                            std::optional<Timestamp> before) const {
  return readers_->with_reader(
      [&](PostgresReader& r) { return r.missed_calls(customer_id, extension_id, limit, before); });
}

Result<StoredState> PostgresStore::load() const {
  return readers_->with_reader([](PostgresReader& r) { return r.load(); });
}

}  // namespace chorus
