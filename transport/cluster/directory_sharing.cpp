#include "transport/cluster/directory_sharing.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "actors/store/stored_kinds.hpp"
#include "actors/store/stored_record.hpp"
#include "transport/cluster/event_subject.hpp"

namespace chorus {

namespace {

bool identified(const RingGroup& group) {
  return group.id > 0 && !group.customer_id.is_zero();
}
template <class Entry>
bool identified(const Entry& entry) {
  return !entry.id.is_zero() && !entry.customer_id.is_zero();
}

template <class Entry>
Result<StoreRow> row_of(const stored_kinds::Kind<Entry>& kind, std::string_view body) {
  auto entry = kind.decode(body);
  if (!entry) return entry.error();
  // A stored body's decoder fills what is missing; an entry must still be someone's.
  if (!identified(*entry)) return Error::invalid("body", "must name its id and customer_id");
  return StoreRow(std::make_shared<const Entry>(std::move(entry).value()));
}

// The directory's tables, by name: how a change's body reads back.
struct DirectoryTable {
  std::string_view name;
  Result<StoreRow> (*decode)(std::string_view body);
};
const DirectoryTable directory_tables[] = {
    {stored_kinds::agent.table, [](std::string_view b) { return row_of(stored_kinds::agent, b); }},
    {stored_kinds::extension.table,
     [](std::string_view b) { return row_of(stored_kinds::extension, b); }},
    {stored_kinds::extension_group.table,
     [](std::string_view b) { return row_of(stored_kinds::extension_group, b); }},
    {stored_kinds::ring_group.table,
     [](std::string_view b) { return row_of(stored_kinds::ring_group, b); }},
    {stored_kinds::instant_group_call.table,
     [](std::string_view b) { return row_of(stored_kinds::instant_group_call, b); }},
};

constexpr int64_t flush_timeout_ms = 1000;

}  // namespace

std::optional<std::string> encode_directory_change(const StoreRow& row) {
  // Most rows are calls and groupcalls: known by their table, without their body.
  const auto shape = shape_of(stored_table(row));
  if (shape != StoredShape::directory && shape != StoredShape::ring_group) return std::nullopt;
  auto record = stored_record(row);
  if (!record) return std::nullopt;
  const std::string_view table = table_name(record->table);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("table");
  w.String(table.data(), static_cast<rapidjson::SizeType>(table.size()));
  w.Key("body");
  w.String(record->body.data(), static_cast<rapidjson::SizeType>(record->body.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<StoreRow> decode_directory_change(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Error::invalid("change", "must be a JSON object");
  }
  auto table = doc.FindMember("table");
  auto body = doc.FindMember("body");
  if (table == doc.MemberEnd() || !table->value.IsString() || body == doc.MemberEnd() ||
      !body->value.IsString()) {
    return Error::invalid("change", R"(must be {"table":"...","body":"..."})");
  }
  const std::string_view name(table->value.GetString(), table->value.GetStringLength());
  for (const DirectoryTable& t : directory_tables) {
    if (t.name == name) {
      return t.decode(std::string_view(body->value.GetString(), body->value.GetStringLength()));
    }
  }
  return Error::invalid("table", "must be a directory table");
}

Status SharingStore::write(const std::vector<StoreRow>& rows) {
  Status written = store_->write(rows);
  if (!written) return written;
  std::vector<std::string> changes;
  for (const StoreRow& row : rows) {
    if (auto change = encode_directory_change(row)) changes.push_back(std::move(*change));
  }
  if (!changes.empty()) publish(changes);
  return written;
}

void SharingStore::confirm_with(OtherNodes other_nodes) {
  std::lock_guard<std::mutex> guard(other_nodes_mutex_);
  other_nodes_ = std::move(other_nodes);
}

// Before this write is acknowledged, every other live node has the changes: each
// confirms every change it took with its node id.
void SharingStore::publish(const std::vector<std::string>& changes) {
  std::vector<std::string> others;
  {
    std::lock_guard<std::mutex> guard(other_nodes_mutex_);
    if (other_nodes_) others = other_nodes_();
  }
  if (others.empty()) {
    for (const std::string& change : changes) link_->publish(directory_subject, change);
    if (!link_->flush(flush_timeout_ms)) {
      spdlog::warn("cluster: a directory change may not have reached the other nodes");
    }
    return;
  }
  auto missing = [&](const std::vector<std::string>& confirmations) {
    std::vector<std::string> late;
    for (const std::string& node : others) {
      const auto seen = std::count(confirmations.begin(), confirmations.end(), node);
      if (static_cast<std::size_t>(seen) < changes.size()) late.push_back(node);
    }
    return late;
  };
  const auto confirmations =
      link_->publish_and_gather(directory_subject, changes, confirm_timeout_ms,
                                [&](const auto& so_far) { return missing(so_far).empty(); });
  if (auto late = missing(confirmations); !late.empty()) {
    unconfirmed_.fetch_add(changes.size(), std::memory_order_relaxed);
    spdlog::warn("cluster: node {}{} did not confirm a directory change within {} ms", late.front(),
                 late.size() > 1 ? " (and others)" : "", confirm_timeout_ms);
  }
}

DirectoryFollower::DirectoryFollower(std::shared_ptr<NatsLink> link, Engine& engine)
    : link_(std::move(link)), engine_(engine) {
  subscription_ = link_->subscribe(directory_subject, &on_change, this);
}

DirectoryFollower::~DirectoryFollower() {
  NatsLink::unsubscribe(subscription_);
}

void DirectoryFollower::on_change(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* follower = static_cast<DirectoryFollower*>(self);
  auto row = decode_directory_change(NatsLink::data_of(msg));
  if (row) {
    follower->engine_.adopt_directory_change(*row);
    follower->adopted_.fetch_add(1, std::memory_order_relaxed);
    // The node that made the change acknowledges it once every node has it.
    if (const char* asking = natsMsg_GetReply(msg)) {
      follower->link_->reply(asking, follower->link_->node_id());
    }
  } else {
    spdlog::warn("cluster: refused a directory change: {}", row.error().message);
  }
  natsMsg_Destroy(msg);
}

}  // namespace chorus
