#pragma once
// How a chorusd node joins a cluster (issue 20): the NATS server the nodes talk
// through and this node's name among them. Both empty: the node runs alone. The
// shared store is engine.store.postgres_url.

#include <string>

namespace chorus {

struct ClusterOptions {
  std::string nats_url;  // --nats nats://host:port
  std::string node_id;   // --node-id: letters, digits, '-' and '_', at most 64
};

}  // namespace chorus
