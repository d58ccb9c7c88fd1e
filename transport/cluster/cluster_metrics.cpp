#include "transport/cluster/cluster_metrics.hpp"

#include <cstdint>

#include "actors/node_failover.hpp"
#include "transport/cluster/cluster_conferences.hpp"
#include "transport/cluster/cluster_events.hpp"
#include "transport/cluster/cluster_operations.hpp"
#include "transport/cluster/directory_sharing.hpp"
#include "transport/cluster/event_relay.hpp"
#include "transport/cluster/nats_link.hpp"

namespace chorus {

namespace {

struct Metric {
  const char* name;
  const char* type;
  const char* help;
  std::uint64_t value;
};

}  // namespace

void render_cluster_metrics(std::ostream& out, const NatsLink& link, const ClusterEvents& events,
                            const ClusterOperations& operations,
                            const ClusterConferences& conferences, const NodeFailoverStats& lease,
                            const SharingStore& directory, const EventRelay& relay) {
  const Metric metrics[] = {
      {"chorus_cluster_nats_connected", "gauge", "1 while the node's NATS connection is up.",
       link.connected() ? 1u : 0u},
      {"chorus_cluster_nats_reconnects_total", "counter", "Reconnections to NATS.",
       link.reconnects()},
      {"chorus_cluster_events_published_total", "counter",
       "Events this node published to the other nodes.", link.published()},
      {"chorus_cluster_events_unpublished_total", "counter",
       "Events not sent to the other nodes: NATS's client refused them (closed, or its"
       " reconnect buffer full), or the relay's queue was full.",
       link.dropped() + relay.dropped()},
      {"chorus_cluster_events_received_total", "counter",
       "Other nodes' events delivered to this node's subscribers.", events.received()},
      {"chorus_cluster_events_refused_total", "counter",
       "Messages on event subjects that were not a valid event of their subject.",
       events.refused()},
      {"chorus_cluster_operations_forwarded_total", "counter",
       "Operations this node sent to the node running their resource.", operations.forwarded()},
      {"chorus_cluster_operations_unanswered_total", "counter",
       "Forwarded operations no node answered in time (answered 503 OWNER_UNREACHABLE).",
       operations.unanswered()},
      {"chorus_cluster_operations_served_total", "counter",
       "Other nodes' forwarded operations this node looked at (it answers its own).",
       operations.served()},
      {"chorus_cluster_conference_requests_total", "counter",
       "Requests this node sent about a conference and a participant on different nodes"
       " (seats, participants' news, conferences' ends).",
       conferences.requested()},
      {"chorus_cluster_conference_seats_requested_total", "counter",
       "Seats this node asked of the node running their call, for its own conferences.",
       conferences.seats_requested()},
      {"chorus_cluster_conference_requests_unanswered_total", "counter",
       "Conference requests no node answered in time, or answered malformed (a seat answers"
       " unavailable, news and ends are not delivered).",
       conferences.unanswered()},
      {"chorus_cluster_conference_requests_served_total", "counter",
       "Other nodes' conference requests this node looked at (it answers its own).",
       conferences.served()},
      {"chorus_cluster_conference_messages_refused_total", "counter",
       "Conference requests and answers that were not well-formed (never answered).",
       conferences.refused()},
      {"chorus_cluster_lease_held", "gauge",
       "1 while this node holds its lease (0 from losing it to claiming it again).",
       lease.held ? 1u : 0u},
      {"chorus_cluster_lease_epoch", "gauge", "The epoch this node writes under.",
       static_cast<std::uint64_t>(lease.epoch)},
      {"chorus_cluster_lease_renewal_failures_total", "counter",
       "Renewals (and claims) of this node's lease the store did not answer.",
       lease.renewal_failures},
      {"chorus_cluster_leases_lost_total", "counter",
       "Times this node lost its lease and ended everything it ran.", lease.leases_lost},
      {"chorus_cluster_takeovers_total", "counter",
       "Expired leases of other nodes this node took over.", lease.takeovers},
      {"chorus_cluster_resources_taken_over_total", "counter",
       "Live resources of those nodes this node ended.", lease.resources_taken_over},
      {"chorus_cluster_other_nodes", "gauge",
       "The other nodes holding a lease, as of this node's last renewal.", lease.other_nodes},
      {"chorus_cluster_directory_unconfirmed_total", "counter",
       "Directory changes of this node some live node did not confirm within a second.",
       directory.unconfirmed()},
  };
  for (const Metric& m : metrics) {
    out << "# HELP " << m.name << ' ' << m.help << "\n# TYPE " << m.name << ' ' << m.type << '\n'
        << m.name << ' ' << m.value << '\n';
  }
}

}  // namespace chorus
