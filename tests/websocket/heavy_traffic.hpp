#pragma once
// Heavy event traffic for the tests that need a consumer to fall behind: groupcalls
// of ten short-lived legs whose addresses fill every free-text field to its limit
// (target 512 bytes, names 256, detail 1024), so that each call event carries about
// 4 KB and each groupcall event about 20 KB. Created every 40 ms, that is several
// MB/s: the few MB of socket buffers towards a consumer that does not read fill
// within a second or two.

#include <string>

#include "ws_test_support.hpp"

namespace chorus::wstest {

// An address with `target` padded by a parameter the simulated driver ignores,
// and its other text fields full.
inline std::string heavy_address(const std::string& type, const std::string& target) {
  constexpr std::size_t target_limit = 512, name_limit = 256, detail_limit = 1024;
  auto padded = target + ";pad=";
  padded += std::string(target_limit - padded.size(), 'p');
  return R"({"type":)" + test::quoted(type) + R"(,"target":)" + test::quoted(padded) +
         R"(,"target_name":")" + std::string(name_limit, 't') + R"(","name":")" +
         std::string(name_limit, 'n') + R"(","detail":")" + std::string(detail_limit, 'd') +
         R"("})";
}

// A groupcall of ten legs that all end within about 50 ms (one answers and hangs
// up, the others are busy or cancelled).
inline std::string heavy_groupcall_body() {
  std::string body =
      R"({"source":)" + heavy_address("tel", "+15551230000") + R"(,"destinations":[)";
  for (int i = 0; i < 10; ++i) {
    auto script = i == 0 ? "ring=5;answer=20;hangup=30" : "busy=" + std::to_string(10 + i);
    body += (i ? "," : "") + heavy_address("endpoint", "l" + std::to_string(i) + "@sim;" + script);
  }
  return body + "]}";
}

// Creates a heavy groupcall for `key` every `period` until stopped.
class HeavyFlood : public Flood {
 public:
  HeavyFlood(std::uint16_t port, const std::string& key, std::chrono::milliseconds period = 40ms)
      : Flood(port, key, period, heavy_groupcall_body()) {}
};

// Floods A with heavy events until some subscriber's queue has overflowed.
inline void overflow_a_queue(std::uint16_t port) {
  HeavyFlood flood(port, key_a);
  auto m = metrics_when(
      port, [](auto& m) { return m["chorus_ws_events_dropped_total"] > 0; }, 15s);
  flood.stop();
  ASSERT_EQ(flood.refused(), 0) << "heavy groupcalls were refused";
  ASSERT_GT(m["chorus_ws_events_dropped_total"], 0) << "the queue never overflowed";
}

}  // namespace chorus::wstest
