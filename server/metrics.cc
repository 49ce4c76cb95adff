#include "server/metrics.h"

#include <cstdio>
#include <optional>
#include <span>
#include <unordered_map>

#include "server/wire/operation_table.h"

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

Metrics::Metrics()
    : operations_(std::make_unique<OperationCounters[]>(wire::AllOperations().size())) {}

Metrics::~Metrics() = default;

int Metrics::OperationIndex(std::string_view operation) {
  static const std::unordered_map<std::string_view, int> kIndex = [] {
    std::unordered_map<std::string_view, int> index;
    std::span<const wire::OperationEntry> rows = wire::AllOperations();
    for (size_t i = 0; i < rows.size(); ++i) index.emplace(rows[i].name, static_cast<int>(i));
    return index;
  }();
  auto it = kIndex.find(operation);
  return it == kIndex.end() ? -1 : it->second;
}

size_t Metrics::Bucket(int64_t micros) {
  size_t bucket = 0;
  while (bucket < kBucketsMicros.size() && micros > kBucketsMicros[bucket]) ++bucket;
  return bucket;
}

void Metrics::CountRequest(std::string_view operation, unsigned status, std::string_view error_code,
                           int64_t micros) {
  if (int index = OperationIndex(operation); index >= 0) {
    std::optional<size_t> slot;
    if (error_code.empty() && status == 200) {
      slot = 0;
    } else if (std::optional<core::ErrorCode> code = core::ErrorCodeNamed(error_code);
               code && static_cast<int>(status) == core::HttpStatus(*code)) {
      slot = 1 + static_cast<size_t>(*code);
    }
    if (slot) {
      OperationCounters& c = operations_[static_cast<size_t>(index)];
      constexpr auto kRelaxed = std::memory_order_relaxed;
      c.answered[*slot].fetch_add(1, kRelaxed);
      c.buckets[Bucket(micros)].fetch_add(1, kRelaxed);
      c.count.fetch_add(1, kRelaxed);
      c.sum_micros.fetch_add(micros, kRelaxed);
      return;
    }
  }
  std::lock_guard lock(mu_);
  ++requests_[{std::string(operation), status, std::string(error_code)}];
  Histogram& h = durations_[std::string(operation)];
  ++h.buckets[Bucket(micros)];
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
  // The table's counts merged into copies of the maps, in their order.
  std::map<std::tuple<std::string, unsigned, std::string>, uint64_t> requests = requests_;
  std::map<std::string, Histogram> durations = durations_;
  std::span<const wire::OperationEntry> rows = wire::AllOperations();
  for (size_t i = 0; i < rows.size(); ++i) {
    const OperationCounters& c = operations_[i];
    uint64_t count = c.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::string name(rows[i].name);
    for (size_t slot = 0; slot < kAnswerSlots; ++slot) {
      uint64_t n = c.answered[slot].load(std::memory_order_relaxed);
      if (n == 0) continue;
      if (slot == 0) {
        requests[{name, 200, ""}] += n;
      } else {
        auto code = static_cast<core::ErrorCode>(slot - 1);
        requests[{name, static_cast<unsigned>(core::HttpStatus(code)),
                  std::string(core::ErrorName(code))}] += n;
      }
    }
    Histogram& h = durations[name];
    for (size_t b = 0; b < h.buckets.size(); ++b) {
      h.buckets[b] += c.buckets[b].load(std::memory_order_relaxed);
    }
    h.count += count;
    h.sum_micros += c.sum_micros.load(std::memory_order_relaxed);
  }
  out +=
      "# HELP rotor_requests_total Requests answered, by operation (KMS API) or method and path "
      "(admin API), HTTP status and error code.\n"
      "# TYPE rotor_requests_total counter\n";
  for (const auto& [labels, n] : requests) {
    const auto& [operation, status, error] = labels;
    out += "rotor_requests_total{operation=\"" + Label(operation) + "\",status=\"" +
           std::to_string(status) + "\",error=\"" + Label(error) + "\"} " + std::to_string(n) +
           "\n";
  }
  out +=
      "# HELP rotor_request_duration_seconds Time the handler took to answer, by operation.\n"
      "# TYPE rotor_request_duration_seconds histogram\n";
  for (const auto& [operation, h] : durations) {
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
