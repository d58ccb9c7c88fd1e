#pragma once
// What /metrics adds for a node of a cluster: its NATS link and the events that
// crossed it, each read from the counters the link and the remote events keep.

#include <ostream>

namespace chorus {

class NatsLink;
class ClusterEvents;
class ClusterOperations;

void render_cluster_metrics(std::ostream& out, const NatsLink& link, const ClusterEvents& events,
                            const ClusterOperations& operations);

}  // namespace chorus
