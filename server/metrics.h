// Metrics: what GET /_rotor/metrics answers, in the Prometheus text
// exposition format (version 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/):
//   rotor_requests_total{operation,status,error}   every request answered
//   rotor_request_duration_seconds{operation}      a histogram of handler time
//   rotor_service_events_total{event,rotation_type} rotations (by type),
//                                                  deletions and expiries the
//                                                  scheduler fired
//   rotor_keys{state}                              keys by KeyState, all
//                                                  accounts and Regions
//   rotor_audit_events_dropped_total               audit events dropped
//                                                  (queue full)
// Requests are counted by RequestLog::Handler (server/request_log.h), the
// service events as the service's ServiceEventListener; keys and audit drops
// are read when scraped (`Gauges`).
//
// A KMS operation's request answered as core's error table says (200, or an
// AWS error with its table status) is counted in a fixed table indexed by
// the operation's row (server/wire/operation_table.h) and the error code,
// with relaxed atomics: no lock and no allocation per request. Anything
// else (admin paths, unknown operations, dropped connections) is counted in
// maps under a mutex.
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "core/kms_error.h"
#include "core/service_events.h"

namespace rotor::server {

class Metrics final : public core::ServiceEventListener {
 public:
  Metrics();
  ~Metrics() override;

  // Upper bounds of the latency buckets, in microseconds (+Inf is implied).
  static constexpr std::array<int64_t, 12> kBucketsMicros = {
      100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000};

  // What is read at scrape time.
  struct Gauges {
    std::map<std::string, uint64_t> keys_by_state;  // "Enabled" -> 3
    uint64_t audit_dropped = 0;
    bool audit_on = false;
  };

  // One request answered: `operation` ("Encrypt", "GET /_rotor/clock"), its
  // HTTP status, error code (empty on success) and handler time.
  void CountRequest(std::string_view operation, unsigned status, std::string_view error_code,
                    int64_t micros);
  void OnServiceEvent(const core::ServiceEvent& event) override;

  // The exposition text of everything counted, with `gauges`.
  std::string Text(const Gauges& gauges) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBucketsMicros.size() + 1> buckets{};  // the last is +Inf
    uint64_t count = 0;
    int64_t sum_micros = 0;
  };
  // Slot 0: answered 200; 1 + ErrorCode: that error with its table status.
  static constexpr size_t kAnswerSlots =
      static_cast<size_t>(core::ErrorCode::kStoreUnavailable) + 2;
  // One KMS operation's counters.
  struct OperationCounters {
    std::array<std::atomic<uint64_t>, kAnswerSlots> answered{};
    std::array<std::atomic<uint64_t>, kBucketsMicros.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<int64_t> sum_micros{0};
  };
  // The index of `operation`'s row, or -1 for a name that is not a KMS operation.
  static int OperationIndex(std::string_view operation);
  static size_t Bucket(int64_t micros);

  std::unique_ptr<OperationCounters[]> operations_;  // one per operation row

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, unsigned, std::string>, uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  std::map<std::pair<std::string, std::string>, uint64_t> service_events_;
};

}  // namespace rotor::server
