// GET /_rotor/metrics's text (server/metrics.h): Prometheus exposition format 0.0.4.
#include "server/metrics.h"

#include <catch2/catch.hpp>
#include <string>

using namespace rotor;

TEST_CASE("Metrics: requests by operation, status and error, a latency histogram, events, keys") {
  server::Metrics m;
  m.CountRequest("Encrypt", 200, "", 80);
  m.CountRequest("Encrypt", 200, "", 300);
  m.CountRequest("Encrypt", 400, "ThrottlingException", 2000000);
  m.CountRequest("GET /_rotor/clock", 200, "", 40);
  core::ServiceEvent rotated;
  rotated.rotation_type = core::RotationType::kAutomatic;
  m.OnServiceEvent(rotated);
  m.OnServiceEvent(rotated);
  core::ServiceEvent deleted;
  deleted.kind = core::ServiceEventKind::kDeleteKey;
  m.OnServiceEvent(deleted);
  server::Metrics::Gauges gauges;
  gauges.keys_by_state = {{"Enabled", 3}, {"PendingDeletion", 1}};
  gauges.audit_on = true;
  gauges.audit_dropped = 7;
  std::string text = m.Text(gauges);
  auto has = [&text](const std::string& line) {
    INFO(text);
    CHECK(text.find(line + "\n") != std::string::npos);
  };
  has("# TYPE rotor_requests_total counter");
  has(R"(rotor_requests_total{operation="Encrypt",status="200",error=""} 2)");
  has(R"(rotor_requests_total{operation="Encrypt",status="400",error="ThrottlingException"} 1)");
  has(R"(rotor_requests_total{operation="GET /_rotor/clock",status="200",error=""} 1)");
  has("# TYPE rotor_request_duration_seconds histogram");
  has(R"(rotor_request_duration_seconds_bucket{operation="Encrypt",le="0.0001"} 1)");
  has(R"(rotor_request_duration_seconds_bucket{operation="Encrypt",le="0.0005"} 2)");
  has(R"(rotor_request_duration_seconds_bucket{operation="Encrypt",le="1"} 2)");
  has(R"(rotor_request_duration_seconds_bucket{operation="Encrypt",le="+Inf"} 3)");
  has(R"(rotor_request_duration_seconds_sum{operation="Encrypt"} 2.00038)");
  has(R"(rotor_request_duration_seconds_count{operation="Encrypt"} 3)");
  has(R"(rotor_service_events_total{event="RotateKey",rotation_type="AUTOMATIC"} 2)");
  has(R"(rotor_service_events_total{event="DeleteKey",rotation_type=""} 1)");
  has(R"(rotor_keys{state="Enabled"} 3)");
  has(R"(rotor_keys{state="PendingDeletion"} 1)");
  has("rotor_audit_events_dropped_total 7");
  // Without an audit trail there is no drop counter.
  gauges.audit_on = false;
  CHECK(m.Text(gauges).find("rotor_audit_events_dropped_total") == std::string::npos);
}

TEST_CASE("Metrics: a label a client sent is escaped") {
  server::Metrics m;
  m.CountRequest("GET /a\"b\\c\nd", 404, "NotFoundException", 1);
  CHECK(m.Text({}).find(R"(operation="GET /a\"b\\c\nd")") != std::string::npos);
}

TEST_CASE("Metrics: the operation table and the maps count the same operation together") {
  server::Metrics m;
  m.CountRequest("Decrypt", 200, "", 10);                      // the table
  m.CountRequest("Decrypt", 0, "ConnectionDropped", 20);       // a map: not an AWS answer
  m.CountRequest("Decrypt", 500, "KMSInternalException", 30);  // the table, the error's row
  m.CountRequest("Decrypt", 413, "ValidationException", 40);   // a map: not the table's status
  std::string text = m.Text({});
  INFO(text);
  for (const char* line :
       {R"(rotor_requests_total{operation="Decrypt",status="0",error="ConnectionDropped"} 1)",
        R"(rotor_requests_total{operation="Decrypt",status="200",error=""} 1)",
        R"(rotor_requests_total{operation="Decrypt",status="413",error="ValidationException"} 1)",
        R"(rotor_requests_total{operation="Decrypt",status="500",error="KMSInternalException"} 1)",
        R"(rotor_request_duration_seconds_count{operation="Decrypt"} 4)",
        R"(rotor_request_duration_seconds_sum{operation="Decrypt"} 0.0001)"}) {
    CHECK(text.find(std::string(line) + "\n") != std::string::npos);
  }
  // In the maps' order: by status within an operation.
  CHECK(text.find(R"(status="0")") < text.find(R"(status="200")"));
  CHECK(text.find(R"(status="413")") < text.find(R"(status="500")"));
}
