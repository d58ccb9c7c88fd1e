#include "config/chorusd_options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "config/apio_options_json.hpp"
#include "config/sip_flags.hpp"

namespace chorus {

namespace {

constexpr const char* log_levels[] = {"trace", "debug", "info", "warn", "error", "off"};

template <class Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

Status parse_api_key(std::string_view text, std::string_view field, ApiKey& out) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Error::invalid(std::string(field), "must be KEY=CUSTOMER_UUID");
  }
  auto customer = Uuid::parse(text.substr(eq + 1));
  if (!customer || customer->is_zero()) {
    return Error::invalid(std::string(field), "customer must be a non-zero UUID");
  }
  out = ApiKey{std::string(text.substr(0, eq)), *customer};
  return {};
}

Status set_log_level(std::string_view level, std::string_view field, ChorusdOptions& options) {
  for (auto* known : log_levels) {
    if (level == known) {
      options.log_level = std::string(level);
      return {};
    }
  }
  return Error::invalid(std::string(field), "must be one of trace, debug, info, warn, error, off");
}

Status set_shutdown(std::string_view mode, std::string_view field, ChorusdOptions& options) {
  if (mode == "hangup") {
    options.shutdown = ShutdownMode::hangup;
  } else if (mode == "drain") {
    options.shutdown = ShutdownMode::drain;
  } else {
    return Error::invalid(std::string(field), "must be hangup or drain");
  }
  return {};
}

// A whole number within [0 or 1, max], into any integer `out` that holds `max`.
template <class Int>
Status set_count(std::string_view text, std::string_view field, std::size_t max, bool allow_zero,
                 Int& out) {
  std::size_t value = 0;
  if (!parse_number(text, value) || value > max || (!allow_zero && value == 0)) {
    return Error::invalid(std::string(field), std::string("must be a whole number from ") +
                                                  (allow_zero ? "0" : "1") + " to " +
                                                  std::to_string(max));
  }
  out = static_cast<Int>(value);
  return {};
}

Status set_store(std::string_view kind, std::string_view field, ChorusdOptions& options) {
  if (kind != "sqlite" && kind != "memory") {
    return Error::invalid(std::string(field), "must be sqlite or memory");
  }
  options.memory_only = kind == "memory";
  return {};
}

Status set_sync(std::string_view mode, std::string_view field, StoreOptions& store) {
  if (mode != "full" && mode != "normal") {
    return Error::invalid(std::string(field), "must be full or normal");
  }
  store.sync = mode == "full" ? SyncMode::full : SyncMode::normal;
  return {};
}

// A server's URI: one of its schemes, bounded, printable (it reaches a client
// library and may reach a log).
Status set_uri(std::string_view url, std::string_view field,
               std::initializer_list<std::string_view> schemes, std::string& out) {
  constexpr std::size_t max_length = 1024;
  bool known = false;
  for (auto scheme : schemes) known = known || url.rfind(scheme, 0) == 0;
  if (!known) {
    return Error::invalid(std::string(field),
                          "must be a " + std::string(*schemes.begin()) + " URI");
  }
  if (url.size() > max_length) {
    return Error::invalid(std::string(field), "must be at most 1024 bytes");
  }
  for (unsigned char c : url) {
    if (c < 0x21 || c == 0x7f) {
      return Error::invalid(std::string(field), "must not contain spaces or control characters");
    }
  }
  out = std::string(url);
  return {};
}

// A node's name: it goes into NATS headers, logs and the store.
Status set_node_id(std::string_view name, std::string_view field, std::string& out) {
  constexpr std::size_t max_length = 64;
  auto allowed = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; };
  if (name.empty() || name.size() > max_length || !std::all_of(name.begin(), name.end(), allowed)) {
    return Error::invalid(std::string(field), "must be 1 to 64 letters, digits, '-' or '_'");
  }
  out = std::string(name);
  return {};
}

// Shorter than a few renewals' round trips, a lease would lapse under load.
Status set_lease(std::string_view text, std::string_view field, std::uint32_t& out) {
  constexpr std::size_t min = 500, max = 600000;
  std::size_t value = 0;
  if (!parse_number(text, value) || value < min || value > max) {
    return Error::invalid(std::string(field), "must be a whole number from 500 to 600000");
  }
  out = static_cast<std::uint32_t>(value);
  return {};
}

Status set_path(std::string_view path, std::string_view field, std::string& out) {
  if (path.empty()) return Error::invalid(std::string(field), "must not be empty");
  if (path.find('\0') != std::string_view::npos) {
    return Error::invalid(std::string(field), "must not contain NUL");
  }
  out = std::string(path);
  return {};
}

Status read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::invalid("--config", "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return {};
}

// A duration flag in whole units of `Unit`, within [min, max].
template <class Unit>
Status set_duration(std::string_view text, std::string_view field, std::size_t min, std::size_t max,
                    Unit& out) {
  std::size_t value = 0;
  if (auto s = set_count(text, field, max, min == 0, value); !s) return s;
  out = Unit(value);
  return {};
}

// Every flag: its name, what its value looks like, its help, and how it applies.
// --help is written from this table, and a config file's keys are its names
// ("io_threads" is --io-threads), so the three cannot drift apart.
struct Flag {
  std::string_view name;
  std::string_view value;
  std::string_view help;  // lines after the first are indented under it
  Status (*apply)(std::string_view flag, std::string_view value, ChorusdOptions& o);
};

using V = std::string_view;
using O = ChorusdOptions;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

const Flag flags[] = {
    {"--listen", "HOST:PORT", "where to listen (default 127.0.0.1:8080; port 0 = any free)",
     [](V, V v, O& o) { return parse_listen(v, o.listen_host, o.listen_port); }},
    {"--api-key", "KEY=CUSTOMER_UUID", "an API key and the customer it acts for (repeatable)",
     [](V f, V v, O& o) {
       ApiKey key;
       if (auto s = parse_api_key(v, f, key); !s) return s;
       o.api_keys.push_back(std::move(key));
       return Status{};
     }},
    {"--log-level", "LEVEL", "trace, debug, info, warn, error, off (default info)",
     [](V f, V v, O& o) { return set_log_level(v, f, o); }},
    {"--io-threads", "N", "HTTP and WebSocket I/O threads (default: half the cores, at least 1)",
     [](V f, V v, O& o) { return set_count(v, f, 256, true, o.io_threads); }},
    {"--worker-threads", "N",
     "engine (CAF) threads (default: the cores the I/O threads leave, at least 1)",
     [](V f, V v, O& o) { return set_count(v, f, 256, true, o.engine.worker_threads); }},
    {"--max-destinations", "N", "destinations per groupcall (default 1000)",
     [](V f, V v, O& o) { return set_count(v, f, 100000, false, o.engine.max_destinations); }},
    {"--max-nesting-depth", "N", "nested groupcall levels (default 4)",
     [](V f, V v, O& o) { return set_count(v, f, 32, true, o.engine.max_nesting_depth); }},
    {"--store", "sqlite|memory", "where state lives (default sqlite; memory: lost on restart)",
     [](V f, V v, O& o) { return set_store(v, f, o); }},
    {"--postgres", "URL",
     "keep state in this PostgreSQL database (postgresql://...)\n"
     "instead of SQLite in --data-dir",
     [](V f, V v, O& o) {
       return set_uri(v, f, {"postgresql://", "postgres://"}, o.engine.store.postgres_url);
     }},
    {"--nats", "URL",
     "with --postgres and --node-id: join a cluster through this\n"
     "NATS server (nats://host:port)",
     [](V f, V v, O& o) { return set_uri(v, f, {"nats://"}, o.cluster.nats_url); }},
    {"--node-id", "NAME", "this node's name in its cluster (letters, digits, - and _)",
     [](V f, V v, O& o) {
       auto set = set_node_id(v, f, o.cluster.node_id);
       if (set) o.engine.store.node_id = o.cluster.node_id;  // the owner of what it runs
       return set;
     }},
    {"--lease-ms", "N",
     "with --postgres: how long this node's lease lasts unrenewed\n"
     "(500 to 600000, default 5000; renewed every fifth of it);\n"
     "another node takes over what it ran once it expires",
     [](V f, V v, O& o) { return set_lease(v, f, o.engine.store.lease_ms); }},
    {"--data-dir", "DIR", "the SQLite database's directory (default ./chorus-data)",
     [](V f, V v, O& o) { return set_path(v, f, o.engine.store.data_dir); }},
    {"--sync", "full|normal",
     "full: each commit survives power loss (default); normal:\n"
     "survives a killed process, may lose the last commits on\n"
     "power loss, commits faster",
     [](V f, V v, O& o) { return set_sync(v, f, o.engine.store); }},
    {"--retention-days", "N", "purge ended records older than N days (default 0: keep)",
     [](V f, V v, O& o) { return set_count(v, f, 36500, true, o.engine.store.retention_days); }},
    {"--retention-interval-ms", "N", "how often the purge looks for old records (60000)",
     [](V f, V v, O& o) {
       return set_count(v, f, 86400000, false, o.engine.store.purge_interval_ms);
     }},
    {"--backup", "FILE",
     "copy the database in --data-dir into FILE (online, while\n"
     "chorusd runs there) and exit",
     [](V f, V v, O& o) { return set_path(v, f, o.backup_file); }},
    {"--retained-groupcalls", "N", "with --store memory: ended groupcalls kept (default 20000)",
     [](V f, V v, O& o) { return set_count(v, f, 100000000, true, o.engine.retained_groupcalls); }},
    {"--retained-calls", "N", "with --store memory: their calls kept (default 200000)",
     [](V f, V v, O& o) { return set_count(v, f, 100000000, true, o.engine.retained_calls); }},
    {"--max-connections", "N", "HTTP connections at once; beyond, 503 (default 10000)",
     [](V f, V v, O& o) { return set_count(v, f, 1000000, false, o.http.max_connections); }},
    {"--ws-max-connections", "N", "WebSocket connections at once (default 10000)",
     [](V f, V v, O& o) { return set_count(v, f, 1000000, false, o.websocket.max_connections); }},
    {"--ws-queue-events", "N", "events queued per connection before the oldest drop (10000)",
     [](V f, V v, O& o) { return set_count(v, f, 10000000, false, o.websocket.queue_events); }},
    {"--ws-full-timeout-ms", "N", "a connection full this long is closed with 1008 (10000)",
     [](V f, V v, O& o) {
       return set_duration<milliseconds>(v, f, 1, 3600000, o.websocket.full_timeout);
     }},
    {"--ws-ping-interval-s", "N", "ping period; a peer silent for two is closed (30)",
     [](V f, V v, O& o) {
       return set_duration<seconds>(v, f, 1, 3600, o.websocket.ping_interval);
     }},
    {"--ws-max-topics", "N", "topics per connection (100)",
     [](V f, V v, O& o) { return set_count(v, f, 100000, false, o.websocket.max_topics); }},
    {"--ws-batch-window-us", "N",
     "gather events this long before waking writers (1000; 0: at once)",
     [](V f, V v, O& o) {
       return set_duration<microseconds>(v, f, 0, 100000, o.websocket.batch_window);
     }},
    {"--ws-shutdown-flush-ms", "N", "at shutdown, time to send each subscriber its queue (2000)",
     [](V f, V v, O& o) {
       return set_duration<milliseconds>(v, f, 0, 600000, o.websocket.shutdown_flush);
     }},
    {"--shutdown", "hangup|drain", "on SIGTERM/SIGINT: hang up live calls, or wait for them",
     [](V f, V v, O& o) { return set_shutdown(v, f, o); }},
    {"--shutdown-timeout-ms", "N", "how long shutdown waits (default 10000)",
     [](V f, V v, O& o) { return set_count(v, f, 600000, false, o.shutdown_timeout_ms); }},
    {"--bridge-delay-ms", "N",
     "simulated legs: how long a conference bridge takes to\n"
     "confirm a join or a leave (default 5; 0: at once)",
     [](V f, V v, O& o) { return set_count(v, f, 60000, true, o.bridge_delay_ms); }},
    {"--sip-listen", "HOST:PORT",
     "ring SIP user agents: the SIP driver's address, UDP and\n"
     "TCP (port 0 = any free); without it every leg is simulated",
     [](V f, V v, O& o) { return set_sip_listen(f, v, o.sip); }},
    {"--sip-outbound-proxy", "URI",
     "where tel and endpoint targets (and contacts that are not\n"
     "SIP URIs) go, e.g. sip:proxy.example.com;lr; without it\n"
     "they are refused",
     [](V f, V v, O& o) { return set_sip_outbound_proxy(f, v, o.sip); }},
    {"--sip-user-agent", "TEXT", "the User-Agent header (default Chorus)",
     [](V f, V v, O& o) { return set_sip_user_agent(f, v, o.sip); }},
    {"--sip-t1-ms", "N", "RFC 3261 T1, the retransmission base (default 500)",
     [](V f, V v, O& o) { return set_sip_t1(f, v, o.sip); }},
    {"--sip-timer-b-ms", "N", "an unanswered INVITE fails after this (default 32000)",
     [](V f, V v, O& o) { return set_sip_timer_b(f, v, o.sip); }},
    {"--sip-timer-c-ms", "N", "a leg whose ringing goes silent fails after this (180000)",
     [](V f, V v, O& o) { return set_sip_timer_c(f, v, o.sip); }},
};

const Flag* find_flag(std::string_view name) {
  for (const auto& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

Status apply_flag(std::string_view name, std::string_view value, ChorusdOptions& o) {
  auto* flag = find_flag(name);
  if (!flag) return Error::invalid(std::string(name), "unknown flag (see --help)");
  return flag->apply(name, value, o);
}

// "  --name VALUE", the help from column 30 on, its later lines under it; a head
// too long for the column puts the help on the next line.
void write_help(std::string& out, const Flag& flag) {
  constexpr std::size_t column = 30;
  std::string head = "  " + std::string(flag.name);
  if (!flag.value.empty()) head += " " + std::string(flag.value);
  if (head.size() + 1 > column) {
    out += head + "\n";
    head.clear();
  }
  head.resize(column, ' ');
  std::string_view help = flag.help;
  for (;;) {
    auto end = help.find('\n');
    out += head + std::string(help.substr(0, end)) + "\n";
    if (end == std::string_view::npos) break;
    help.remove_prefix(end + 1);
    head.assign(column, ' ');
  }
}

}  // namespace

Status parse_listen(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view host_part, port_part;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error::invalid("--listen", "must be HOST:PORT or [IPv6]:PORT");
    }
    host_part = text.substr(1, close - 1);
    port_part = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Error::invalid("--listen", "must be HOST:PORT or [IPv6]:PORT");
    }
    host_part = text.substr(0, colon);
    port_part = text.substr(colon + 1);
  }
  unsigned value = 0;
  if (!parse_number(port_part, value) || value > 65535) {
    return Error::invalid("--listen", "port must be a number from 0 to 65535");
  }
  host = std::string(host_part);
  port = static_cast<std::uint16_t>(value);
  return {};
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status apply_config_json(std::string_view json, ChorusdOptions& o) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return Error::invalid("config", std::string("malformed JSON: ") +
                                        rapidjson::GetParseError_En(doc.GetParseError()) +
                                        " at offset " + std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return Error::invalid("config", "must be a JSON object");
  for (auto& m : doc.GetObject()) {
    std::string name = m.name.GetString();
    auto field = "config." + name;
    auto& v = m.value;
    if (name == "api_keys") {
      if (!v.IsObject()) return Error::invalid(field, "must be an object of key: customer UUID");
      for (auto& k : v.GetObject()) {
        if (!k.value.IsString()) return Error::invalid(field, "customer must be a UUID string");
        ApiKey key;
        auto entry = std::string(k.name.GetString()) + "=" + k.value.GetString();
        if (auto s = parse_api_key(entry, field, key); !s) return s;
        o.api_keys.push_back(std::move(key));
      }
      continue;
    }
    if (name == "apio_settings") {
      if (auto s = apply_apio_settings(v, o.apio); !s) return s;
      continue;
    }
    // Every other setting mirrors a flag: "listen" is --listen, "io_threads" --io-threads.
    std::string flag = "--" + name;
    for (auto& c : flag) c = c == '_' ? '-' : c;
    std::string value;
    if (v.IsString()) {
      value = v.GetString();
    } else if (v.IsUint64()) {
      value = std::to_string(v.GetUint64());
    } else {
      return Error::invalid(field, "must be a string or a whole number");
    }
    auto status = apply_flag(flag, value, o);
    if (!status) return Error::invalid(field, status.error().message);
  }
  return {};
}

// Flags that each make sense alone but not together.
Status check_store_flags(const ChorusdOptions& options) {
  const auto& cluster = options.cluster;
  if (!cluster.nats_url.empty() && cluster.node_id.empty()) {
    return Error::invalid("--nats", "needs --node-id: every node of a cluster has a name");
  }
  if (!cluster.node_id.empty() && cluster.nats_url.empty()) {
    return Error::invalid("--node-id", "needs --nats: it names a node of a cluster");
  }
  if (!cluster.nats_url.empty() && options.engine.store.postgres_url.empty()) {
    return Error::invalid("--nats", "needs --postgres: a cluster's nodes share its store");
  }
  if (options.engine.store.postgres_url.empty()) {
    if (options.engine.store.lease_ms != StoreOptions{}.lease_ms) {
      return Error::invalid("--lease-ms", "needs --postgres: leases live in the shared store");
    }
    return {};
  }
  if (options.memory_only)
    return Error::invalid("--postgres", "cannot be used with --store memory");
  if (!options.backup_file.empty()) {
    return Error::invalid("--backup", "copies SQLite's database; with --postgres use pg_dump");
  }
  return {};
}

Result<ChorusdOptions> parse_chorusd_options(int argc, const char* const* argv) {
  ChorusdOptions options;
  // The config file first, wherever --config appears, so that flags override it.
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) != "--config") continue;
    std::string text;
    if (auto s = read_file(argv[i + 1], text); !s) return s.error();
    if (auto s = apply_config_json(text, options); !s) return s.error();
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      options.show_help = true;
      continue;
    }
    if (flag == "--version") {
      options.show_version = true;
      continue;
    }
    if (i + 1 >= argc) return Error::invalid(std::string(flag), "needs a value");
    std::string_view value = argv[++i];
    if (flag == "--config") continue;
    if (auto s = apply_flag(flag, value, options); !s) return s.error();
  }
  if (auto s = check_store_flags(options); !s) return s.error();
  return options;
}

std::string chorusd_version() {
  return "chorusd 0.1.0";
}

std::string chorusd_usage() {
  std::string out = R"(Usage: chorusd [flags]

Chorus call engine daemon: the REST API v1.0 over the engine; legs are simulated,
or SIP with --sip-listen (targets on the host "sim" stay simulated).

  --config FILE               JSON settings (same names as the flags, with _ for -;
                              "api_keys": {"KEY": "CUSTOMER_UUID"}; "apio_settings": the
                              APIO dialect's, see README.md); flags override it
)";
  for (const auto& flag : flags) write_help(out, flag);
  out += R"(  --help, --version

With no --api-key on a loopback address, chorusd creates a development key and
prints it; on any other address it refuses to start without keys.
)";
  return out;
}

}  // namespace chorus
