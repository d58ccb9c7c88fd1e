#pragma once
// What /metrics adds for a node of a cluster: its NATS link and the events that
// crossed it, and its lease, each read from the counters the link, the remote
// events, the forwarded operations, the conferences across nodes and the failover
// keep.

#include <ostream>

namespace chorus {

class NatsLink;
class ClusterEvents;
class ClusterOperations;
class ClusterConferences;
struct NodeFailoverStats;
class SharingStore;
class EventRelay;

void render_cluster_metrics(std::ostream& out, const NatsLink& link, const ClusterEvents& events,
                            const ClusterOperations& operations,
                            const ClusterConferences& conferences, const NodeFailoverStats& lease,
                            const SharingStore& directory, const EventRelay& relay);

}  // namespace chorus
