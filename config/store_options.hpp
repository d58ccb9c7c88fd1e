#pragma once
// Where and how chorusd keeps its state: the data directory, how hard each commit
// presses the data to disk, and how long ended records are kept.

#include <cstdint>
#include <string>

namespace chorus {

// full: every commit is on the platter before it is acknowledged (survives power
// loss). normal: committed to the OS, which survives a killed chorusd but may lose
// the last commits on power loss (SQLite WAL with synchronous=NORMAL); on
// PostgreSQL, synchronous_commit off: a crash of PostgreSQL itself may lose them.
enum class SyncMode : std::uint8_t { full, normal };

struct StoreOptions {
  bool enabled = true;  // false: memory only, nothing survives a restart
  std::string data_dir = "./chorus-data";
  // Set: the store is this PostgreSQL database (a postgresql:// URI or key=value
  // string) instead of SQLite in data_dir.
  std::string postgres_url;
  // With postgres_url: this node's name among the nodes sharing the database (""
  // for a node on its own), the owner recorded with each live resource it
  // writes, and how long its lease lasts unrenewed (actors/node_lease.hpp).
  std::string node_id;
  std::uint32_t lease_ms = 5000;
  SyncMode sync = SyncMode::full;
  std::uint32_t retention_days = 0;  // 0 keeps ended records forever
  std::uint32_t purge_interval_ms = 60'000;
  std::uint32_t purge_batch = 500;  // rows per purge transaction
  std::uint32_t retry_ms = 200;     // a failing store retries its batch this often
};

}  // namespace chorus
