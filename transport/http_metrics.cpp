#include "transport/http_metrics.hpp"

#include <sstream>

#include "model/call.hpp"
#include "model/groupcall.hpp"

namespace chorus {

void HttpMetrics::record(std::string_view route, unsigned status,
                         std::chrono::nanoseconds latency) {
  auto seconds = std::chrono::duration<double>(latency).count();
  std::size_t bucket = 0;
  while (bucket < bounds_seconds.size() && seconds > bounds_seconds[bucket]) ++bucket;
  std::lock_guard<std::mutex> guard(mutex_);
  ++requests_[{route, status}];
  ++latency_buckets_[bucket];
  latency_sum_seconds_ += seconds;
  ++latency_count_;
}

void HttpMetrics::add_section(std::function<void(std::ostream&)> section) {
  sections_.push_back(std::move(section));
}

namespace {

// One counter or gauge: its help, its type and its value, as Prometheus reads them.
template <class Value>
void metric(std::ostream& out, const char* name, const char* type, const char* help, Value value) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
      << name << " " << value << "\n";
}

void render_store(std::ostream& out, const EngineStats& e) {
  metric(out, "chorus_store_commits_total", "counter", "Store transactions committed.",
         e.store_commits);
  metric(out, "chorus_store_rows_total", "counter", "Rows written, after coalescing.",
         e.store_rows);
  metric(out, "chorus_store_changes_total", "counter", "State changes queued for the store.",
         e.store_changes);
  metric(out, "chorus_store_failures_total", "counter", "Store commits that failed.",
         e.store_failures);
  metric(out, "chorus_store_purged_total", "counter", "Ended records purged by retention.",
         e.store_purged);
  metric(out, "chorus_store_commit_p50_seconds", "gauge", "Median commit latency.",
         e.store_commit_p50.count() / 1e6);
  metric(out, "chorus_store_commit_p99_seconds", "gauge", "99th percentile commit latency.",
         e.store_commit_p99.count() / 1e6);
}

}  // namespace

std::string HttpMetrics::render(const EngineStats& e) const {
  std::ostringstream out;
  out << "# HELP chorus_groupcalls Live groupcalls by status.\n# TYPE chorus_groupcalls gauge\n";
  for (auto s : {GroupcallStatus::progressing, GroupcallStatus::hangingup}) {
    out << "chorus_groupcalls{status=\"" << to_string(s) << "\"} "
        << e.groupcalls_by_status[static_cast<std::size_t>(s)] << "\n";
  }
  out << "# HELP chorus_calls Live calls by status.\n# TYPE chorus_calls gauge\n";
  for (auto s : {CallStatus::dialing, CallStatus::ringing, CallStatus::progressing,
                 CallStatus::terminating, CallStatus::canceling}) {
    out << "chorus_calls{status=\"" << to_string(s) << "\"} "
        << e.calls_by_status[static_cast<std::size_t>(s)] << "\n";
  }
  metric(out, "chorus_conferences", "gauge", "Live conferences (not terminated).",
         e.live_conferences);
  metric(out, "chorus_conferencecalls", "gauge", "Live participants (not leaved).",
         e.live_conferencecalls);
  out << "# HELP chorus_legs_dialled_total Legs dialled.\n# TYPE chorus_legs_dialled_total "
         "counter\n"
      << "chorus_legs_dialled_total " << e.legs_dialled << "\n";
  out << "# HELP chorus_legs_ended_total Legs ended, by hangup_reason.\n"
      << "# TYPE chorus_legs_ended_total counter\n";
  for (std::size_t r = 1; r < e.legs_ended_by_reason.size(); ++r) {
    out << "chorus_legs_ended_total{hangup_reason=\"" << to_string(static_cast<HangupReason>(r))
        << "\"} " << e.legs_ended_by_reason[r] << "\n";
  }
  out << "# HELP chorus_events_published_total Events published to subscribers.\n"
      << "# TYPE chorus_events_published_total counter\n"
      << "chorus_events_published_total " << e.events_published << "\n";
  if (e.store) render_store(out, e);

  std::lock_guard<std::mutex> guard(mutex_);
  out << "# HELP chorus_http_requests_total HTTP requests by route and status code.\n"
      << "# TYPE chorus_http_requests_total counter\n";
  for (auto& [key, count] : requests_) {
    out << "chorus_http_requests_total{route=\"" << key.first << "\",code=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP chorus_http_request_duration_seconds HTTP request latency.\n"
      << "# TYPE chorus_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_seconds.size(); ++i) {
    cumulative += latency_buckets_[i];
    out << "chorus_http_request_duration_seconds_bucket{le=\"" << bounds_seconds[i] << "\"} "
        << cumulative << "\n";
  }
  cumulative += latency_buckets_.back();
  out << "chorus_http_request_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "chorus_http_request_duration_seconds_sum " << latency_sum_seconds_ << "\n"
      << "chorus_http_request_duration_seconds_count " << latency_count_ << "\n";
  for (auto& section : sections_) section(out);
  return out.str();
}

}  // namespace chorus
