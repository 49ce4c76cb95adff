#include "server/metrics.h"

#include <cstdio>

namespace rotor::server {
namespace {

// A label value, escaped as the exposition format asks (backslash, double
// quote, line feed), and cut at 128 bytes: an operation or path a client sent.
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, 128)) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Seconds(int64_t micros) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(micros) / 1e6);
  return text;
}

}  // namespace

void Metrics::CountRequest(std::string_view operation, unsigned status, std::string_view error_code,
                           int64_t micros) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(operation), status, std::string(error_code)}];
  Histogram& h = durations_[std::string(operation)];
  size_t bucket = 0;
  while (bucket < kBucketsMicros.size() && micros > kBucketsMicros[bucket]) ++bucket;
  ++h.buckets[bucket];
  ++h.count;
  h.sum_micros += micros;
}

void Metrics::OnServiceEvent(const core::ServiceEvent& event) {
  std::string type;
  if (event.rotation_type) {
    type = *event.rotation_type == core::RotationType::kAutomatic ? "AUTOMATIC" : "ON_DEMAND";
  }
  std::lock_guard lock(mu_);
  ++service_events_[{std::string(core::ToString(event.kind)), type}];
}

std::string Metrics::Text(const Gauges& gauges) const {
  std::string out;
  std::lock_guard lock(mu_);
  out +=
      "# HELP rotor_requests_total Requests answered, by operation (KMS API) or method and path "
      "(admin API), HTTP status and error code.\n"
      "# TYPE rotor_requests_total counter\n";
  for (const auto& [labels, n] : requests_) {
    const auto& [operation, status, error] = labels;
    out += "rotor_requests_total{operation=\"" + Label(operation) + "\",status=\"" +
           std::to_string(status) + "\",error=\"" + Label(error) + "\"} " + std::to_string(n) +
           "\n";
  }
  out +=
      "# HELP rotor_request_duration_seconds Time the handler took to answer, by operation.\n"
      "# TYPE rotor_request_duration_seconds histogram\n";
  for (const auto& [operation, h] : durations_) {
    std::string op = "operation=\"" + Label(operation) + "\"";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < h.buckets.size(); ++i) {
      cumulative += h.buckets[i];
      std::string le = i < kBucketsMicros.size() ? Seconds(kBucketsMicros[i]) : "+Inf";
      out += "rotor_request_duration_seconds_bucket{" + op + ",le=\"" + le + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "rotor_request_duration_seconds_sum{" + op + "} " + Seconds(h.sum_micros) + "\n";
    out += "rotor_request_duration_seconds_count{" + op + "} " + std::to_string(h.count) + "\n";
  }
  out +=
      "# HELP rotor_service_events_total Events the scheduler fired: RotateKey (by rotation "
      "type), DeleteKey, DeleteExpiredKeyMaterial.\n"
      "# TYPE rotor_service_events_total counter\n";
  for (const auto& [labels, n] : service_events_) {
    out += "rotor_service_events_total{event=\"" + labels.first + "\",rotation_type=\"" +
           labels.second + "\"} " + std::to_string(n) + "\n";
  }
  out +=
      "# HELP rotor_keys Keys by KeyState, over every account and Region.\n"
      "# TYPE rotor_keys gauge\n";
  for (const auto& [state, n] : gauges.keys_by_state) {
    out += "rotor_keys{state=\"" + Label(state) + "\"} " + std::to_string(n) + "\n";
  }
  if (gauges.audit_on) {
    out +=
        "# HELP rotor_audit_events_dropped_total Audit events dropped because the audit queue "
        "was full.\n"
        "# TYPE rotor_audit_events_dropped_total counter\n"
        "rotor_audit_events_dropped_total " +
        std::to_string(gauges.audit_dropped) + "\n";
  }
  return out;
}

}  // namespace rotor::server
