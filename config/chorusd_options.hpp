#pragma once
// chorusd's settings: built-in defaults, then a JSON config file (--config), then
// command-line flags, each overriding the one before. Pure parsing: no sockets, no
// files opened except the config file named on the command line.

#include <cstdint>
#include <string>
#include <vector>

#include "config/apio_options.hpp"
#include "config/cluster_options.hpp"
#include "config/engine_options.hpp"
#include "config/http_options.hpp"
#include "config/sip_options.hpp"
#include "config/websocket_options.hpp"
#include "model/result.hpp"
#include "model/uuid.hpp"

namespace chorus {

struct ApiKey {
  std::string key;
  Uuid customer_id;
};

enum class ShutdownMode { hangup, drain };

struct ChorusdOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::vector<ApiKey> api_keys;
  std::string log_level = "info";  // trace, debug, info, warn, error, off
  std::size_t io_threads = 0;      // 0 = half the cores (config/thread_counts.hpp)
  ShutdownMode shutdown = ShutdownMode::hangup;
  std::size_t shutdown_timeout_ms = 10000;
  std::size_t bridge_delay_ms = 5;  // the simulated driver's bridge confirmations
  EngineOptions engine;             // engine.store: --data-dir, --sync, --retention-days
  HttpLimits http;
  WsLimits websocket;
  ApioSettings apio;       // "apio_settings": the APIO dialect's (config file only)
  SipOptions sip;          // --sip-*: the SIP leg driver's (off without --sip-listen)
  ClusterOptions cluster;  // --nats, --node-id: with --postgres, a node of a cluster

  // --store sqlite (the default, under engine.store.data_dir) or memory.
  bool memory_only = false;
  // --backup FILE: copy the running daemon's database into FILE, then exit.
  std::string backup_file;

  bool show_help = false;
  bool show_version = false;
};

// Parses argv (argv[0] is the program). Errors name the flag or config field.
Result<ChorusdOptions> parse_chorusd_options(int argc, const char* const* argv);
// Applies a JSON config document over `options`.
Status apply_config_json(std::string_view json, ChorusdOptions& options);
// "HOST:PORT", "[v6]:PORT"; port 0 asks the OS for a free one.
Status parse_listen(std::string_view text, std::string& host, std::uint16_t& port);
// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback(std::string_view host);

std::string chorusd_usage();
std::string chorusd_version();

}  // namespace chorus
