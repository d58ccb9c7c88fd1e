// chorusd: the Chorus call engine as a service. Thin by design: parse the options,
// open the store, start the engine with its leg driver (simulated, or SIP beside the
// simulated host "sim"), recover what the last run left, serve the REST API, and
// shut down gracefully on SIGTERM/SIGINT.

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include "actors/engine.hpp"
#include "actors/node_failover.hpp"
#include "actors/node_lease.hpp"
#include "actors/store/postgres_store.hpp"
#include "actors/store/sqlite_store.hpp"
#include "config/chorusd_options.hpp"
#include "config/thread_counts.hpp"
#include "transport/api_keys.hpp"
#include "transport/cluster/cluster_conferences.hpp"
#include "transport/cluster/cluster_events.hpp"
#include "transport/cluster/cluster_metrics.hpp"
#include "transport/cluster/cluster_operations.hpp"
#include "transport/cluster/directory_sharing.hpp"
#include "transport/cluster/event_relay.hpp"
#include "transport/cluster/nats_link.hpp"
#include "transport/development_key.hpp"
#include "transport/dialects/apio/apio_api.hpp"
#include "transport/dialects/yeastar/yeastar_api.hpp"
#include "transport/http_metrics.hpp"
#include "transport/http_server.hpp"
#include "transport/prefix_router.hpp"
#include "transport/rest_api.hpp"
#include "transport/simulated/sim_host_split.hpp"
#include "transport/simulated/simulated_leg_driver.hpp"
#include "transport/sip/sip_leg_driver.hpp"
#include "transport/ws_gateway.hpp"

namespace {

using tcp = boost::asio::ip::tcp;

// No key on loopback: a development key, printed. Elsewhere: refuse to start.
bool settle_keys(chorus::ChorusdOptions& options) {
  if (!options.api_keys.empty()) return true;
  if (!chorus::is_loopback(options.listen_host)) {
    std::fprintf(stderr,
                 "chorusd: refusing to listen on %s without an API key; pass --api-key "
                 "KEY=CUSTOMER_UUID or listen on a loopback address\n",
                 options.listen_host.c_str());
    return false;
  }
  options.api_keys.push_back({chorus::development_key(), chorus::Uuid::generate()});
  std::printf("development key: %s (customer %s)\n", options.api_keys[0].key.c_str(),
              options.api_keys[0].customer_id.to_string().c_str());
  return true;
}

// Debian's default soft limit (1,024 descriptors) is far below --max-connections
// plus --ws-max-connections: take all that the hard limit allows.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) spdlog::warn("cannot raise RLIMIT_NOFILE");
  }
}

tcp::endpoint endpoint_of(boost::asio::io_context& io, const chorus::ChorusdOptions& o) {
  tcp::resolver resolver(io);
  auto results = resolver.resolve(o.listen_host, std::to_string(o.listen_port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service);
  return results.begin()->endpoint();
}

template <class Backend>
chorus::Result<std::shared_ptr<chorus::Store>> open_as_store(
    chorus::Result<std::unique_ptr<Backend>> opened) {
  if (!opened) return opened.error();
  return std::shared_ptr<chorus::Store>(std::move(opened).value());
}

// The store chorusd writes through, or none with --store memory, and on
// PostgreSQL this node's lease. False with a message printed when the database
// cannot be opened.
bool open_store(const chorus::ChorusdOptions& options, std::shared_ptr<chorus::Store>& store,
                std::shared_ptr<chorus::NodeLease>& lease) {
  if (options.memory_only) return true;
  // A file-size limit must fail a write (and answer 503), not kill the daemon.
  std::signal(SIGXFSZ, SIG_IGN);
  chorus::Result<std::shared_ptr<chorus::Store>> opened = chorus::Error::unavailable("");
  if (options.engine.store.postgres_url.empty()) {
    opened = open_as_store(chorus::SqliteStore::open(options.engine.store));
  } else if (auto postgres = chorus::PostgresStore::open(options.engine.store)) {
    lease = (*postgres)->lease();
    opened = open_as_store(std::move(postgres));
  } else {
    opened = postgres.error();
  }
  if (!opened) {
    std::fprintf(stderr, "chorusd: %s\n", opened.error().message.c_str());
    return false;
  }
  store = std::move(opened).value();
  return true;
}

int backup(const chorus::ChorusdOptions& options) {
  auto copied = chorus::backup_database(options.engine.store.data_dir, options.backup_file);
  if (!copied) {
    std::fprintf(stderr, "chorusd: backup failed: %s\n", copied.error().message.c_str());
    return 1;
  }
  std::printf("backed up %s to %s\n", options.engine.store.data_dir.c_str(),
              options.backup_file.c_str());
  return 0;
}

// The simulated driver, or with --sip-listen the SIP driver beside it (legs on the
// host sim stay simulated). Null with a message printed when SIP cannot bind.
std::shared_ptr<chorus::LegDriver> open_driver(const chorus::ChorusdOptions& options,
                                               std::shared_ptr<chorus::SipLegDriver>& sip) {
  auto simulated = std::make_shared<chorus::SimulatedLegDriver>(
      std::chrono::milliseconds(options.bridge_delay_ms));
  if (!options.sip.enabled()) return simulated;
  try {
    sip = std::make_shared<chorus::SipLegDriver>(options.sip);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chorusd: cannot start SIP on %s: %s\n", options.sip.listen.c_str(),
                 e.what());
    return nullptr;
  }
  std::printf("chorusd SIP on %s (UDP and TCP)%s%s\n", sip->listen_address().c_str(),
              options.sip.outbound_proxy.empty() ? "" : ", outbound proxy ",
              options.sip.outbound_proxy.c_str());
  return std::make_shared<chorus::SimHostSplit>(std::move(simulated), sip);
}

// With --nats: the node's one NATS connection, before its store (which shares
// the directory through it). False with a message printed when NATS cannot be
// reached at start.
bool connect_cluster(const chorus::ChorusdOptions& options,
                     std::shared_ptr<chorus::NatsLink>& nats) {
  const auto& cluster = options.cluster;
  if (cluster.nats_url.empty()) return true;
  auto link = chorus::NatsLink::connect({cluster.nats_url, cluster.node_id});
  if (!link) {
    std::fprintf(stderr, "chorusd: %s\n", link.error().message.c_str());
    return false;
  }
  nats = std::move(link).value();
  std::printf("chorusd node %s, in a cluster through NATS %s\n", cluster.node_id.c_str(),
              cluster.nats_url.c_str());
  return true;
}

void drain_or_hang_up(chorus::Engine& engine, const chorus::ChorusdOptions& options) {
  engine.close_intake();  // a client still connected cannot prolong the drain
  if (options.shutdown == chorus::ShutdownMode::drain) {
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.shutdown_timeout_ms);
    while (engine.stats().live_groupcalls > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  engine.stop();  // hangs up whatever is still live
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = chorus::parse_chorusd_options(argc, argv);
  if (!parsed) {
    std::fprintf(stderr, "chorusd: %s\n", parsed.error().message.c_str());
    return 2;
  }
  auto options = std::move(parsed).value();
  if (options.show_help) return std::printf("%s", chorus::chorusd_usage().c_str()), 0;
  if (options.show_version) return std::printf("%s\n", chorus::chorusd_version().c_str()), 0;
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  if (!options.backup_file.empty()) return backup(options);
  if (!settle_keys(options)) return 2;
  raise_descriptor_limit();

  auto split = chorus::settle_thread_counts(options.io_threads, options.engine.worker_threads,
                                            std::thread::hardware_concurrency());
  auto threads = split.io;
  options.engine.worker_threads = split.workers;
  options.engine.stop_timeout_ms = options.shutdown_timeout_ms / 2;
  std::shared_ptr<chorus::NatsLink> nats;
  if (!connect_cluster(options, nats)) return 2;
  std::shared_ptr<chorus::Store> store;
  std::shared_ptr<chorus::NodeLease> lease;
  if (!open_store(options, store, lease)) return 2;
  std::shared_ptr<chorus::SharingStore> sharing;
  if (nats) store = sharing = std::make_shared<chorus::SharingStore>(std::move(store), nats);
  std::shared_ptr<chorus::SipLegDriver> sip;
  auto driver = open_driver(options, sip);
  if (!driver) return 2;
  chorus::Engine engine(std::move(driver), options.engine, store);
  // Before recovery: what it ends is told to the other nodes too, and the others'
  // directory changes come in from now on.
  std::shared_ptr<chorus::EventRelay> relay;
  chorus::Subscription relayed;
  std::unique_ptr<chorus::DirectoryFollower> directory;
  // Conferences whose participants run on other nodes: recovery may tell them.
  std::shared_ptr<chorus::ClusterConferences> conferences;
  if (nats) {
    relay = std::make_shared<chorus::EventRelay>(nats);
    relayed = engine.open_subscription(relay, true);
    directory = std::make_unique<chorus::DirectoryFollower>(nats, engine);
    conferences = std::make_shared<chorus::ClusterConferences>(nats, engine);
    engine.connect_conference_peers(conferences);
  }
  if (auto recovered = engine.recover(); !recovered) {
    std::fprintf(stderr, "chorusd: recovery failed: %s\n", recovered.error().message.c_str());
    // The engine holds the peers: they stop serving before it goes, not within its
    // destructor.
    engine.connect_conference_peers(nullptr);
    return 2;
  } else if (store) {
    // Never the URL: it may carry a password.
    spdlog::info("store {}: {} agents, {} extensions; ended {} groupcalls and {} calls left live",
                 options.engine.store.postgres_url.empty() ? options.engine.store.data_dir
                                                           : std::string("on PostgreSQL"),
                 recovered->agents, recovered->extensions, recovered->groupcalls_ended,
                 recovered->calls_ended);
  }
  // A node of a cluster keeps its lease and takes over the nodes that die.
  std::unique_ptr<chorus::NodeFailover> failover;
  if (nats) {
    failover = std::make_unique<chorus::NodeFailover>(engine, lease);
    // A directory change is acknowledged once every node holding a lease has it.
    sharing->confirm_with([&failover] { return failover->other_nodes(); });
  }
  boost::asio::io_context io(static_cast<int>(threads));
  chorus::HttpMetrics metrics;
  chorus::ApiKeys keys(options.api_keys);
  chorus::RestApi api(engine, keys, metrics);
  // Yeastar's OpenAPI (ring groups) under /openapi/, everything else to the REST API.
  chorus::yeastar::YeastarApi yeastar(engine, keys, metrics);
  chorus::PrefixRouter router(api);
  router.add("/openapi/", yeastar);
  // Netaxis APIO's instant group calls under /api/v1/.
  chorus::apio::ApioApi apio(engine, keys, metrics, options.apio);
  router.add("/api/v1/", apio);
  // A node of a cluster: its connections get the other nodes' events too.
  std::unique_ptr<chorus::ClusterEvents> remote;
  std::unique_ptr<chorus::ClusterOperations> operations;
  if (nats) {
    remote = std::make_unique<chorus::ClusterEvents>(nats);
    operations = std::make_unique<chorus::ClusterOperations>(nats, api);
    api.forward_through(operations.get());
  }
  chorus::WsGateway gateway(engine, keys, io, threads, options.websocket, remote.get());
  metrics.add_section([&gateway](std::ostream& out) { gateway.metrics().render(out); });
  if (sip) metrics.add_section([&sip](std::ostream& out) { sip->metrics().render(out); });
  if (remote) {
    metrics.add_section([&nats, &remote, &operations, &conferences, &failover, &sharing,
                         &relay](std::ostream& out) {
      chorus::render_cluster_metrics(out, *nats, *remote, *operations, *conferences,
                                     failover->stats(), *sharing, *relay);
    });
    api.add_health("nats", [&nats]() -> std::optional<std::string> {
      if (nats->connected()) return std::nullopt;
      return std::string("cluster: NATS unreachable (reconnecting)");
    });
    api.add_health("lease", [&failover]() -> std::optional<std::string> {
      if (failover->stats().held) return std::nullopt;
      return std::string("cluster: this node does not hold its lease (claiming it again)");
    });
  }
  std::unique_ptr<chorus::HttpServer> server;
  try {
    server = std::make_unique<chorus::HttpServer>(io, endpoint_of(io, options), router,
                                                  options.http, &gateway);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chorusd: cannot listen on %s:%u: %s\n", options.listen_host.c_str(),
                 options.listen_port, e.what());
    engine.connect_conference_peers(nullptr);
    return 2;
  }
  // Signals are caught before the listening line goes out: whoever starts chorusd
  // may stop it as soon as it has read that line.
  std::promise<void> stop_requested;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (!ec) spdlog::info("signal {}: shutting down", signal);
    stop_requested.set_value();
  });
  server->start();
  auto bound = server->local_endpoint();
  std::printf(
      "chorusd listening on http://%s:%u (authenticate with \"Authorization: Bearer "
      "<key>\", ?token=<key> or ?accesskey=<key>)\n",
      bound.address().to_string().c_str(), bound.port());
  std::fflush(stdout);
  spdlog::info("chorusd {} listening on {}:{} with {} I/O threads", chorus::chorusd_version(),
               bound.address().to_string(), bound.port(), threads);

  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < threads; ++i) pool.emplace_back([&io] { io.run(); });

  stop_requested.get_future().wait();
  server->stop();
  if (sharing) sharing->confirm_with(nullptr);
  // Leaving: the lease is kept through the drain (or the survivors would end the
  // calls still up here), and no other node's calls are taken on.
  if (failover) failover->leave();
  drain_or_hang_up(engine, options);
  failover.reset();
  // The engine has stopped: its last events (the hangups) are queued. Subscribers
  // get them, within a bound, then a 1001 close, while the I/O threads still run.
  gateway.shut_down();
  io.stop();
  for (auto& t : pool) t.join();
  relayed.cancel();
  if (relay) relay->stop();  // the last events go out before the link closes
  operations.reset();        // serves no more, and what waited for an answer is answered
  if (conferences) {
    // The engine has stopped: nothing asks the peers any more, and what the
    // others ask of this node goes unanswered (the asking node times out).
    engine.connect_conference_peers(nullptr);
    conferences.reset();
  }
  directory.reset();
  remote.reset();  // its subscriptions drained: no handler runs after this
  nats.reset();    // sends what it still holds
  if (!options.cluster.nats_url.empty()) nats_Close();
  spdlog::info("chorusd stopped");
  return 0;
}
