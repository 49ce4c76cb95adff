// ServiceEvents: what the service does on its own, without a caller. The
// scheduler (core/scheduler.cc, KmsService::RunDueEvents) emits one event per
// change it makes when time reaches it:
//   - "RotateKey": an automatic rotation, or the completion of an on-demand
//     rotation delayed by --on-demand-rotation-delay;
//   - "DeleteKey": the end of a key's deletion window (the key is gone);
//   - "DeleteExpiredKeyMaterial": imported key material whose ValidTo has
//     passed (the key waits in PendingImport for the same material).
// The audit trail records these the way CloudTrail records AwsServiceEvent
// entries (server/audit/cloudtrail_event.cc), the virtual clock's answer
// (POST /_rotor/clock) lists them, and the dashboard's key timeline shows them.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/ids.h"

namespace rotor::core {

struct ServiceEvent {
  std::string name;  // "RotateKey", "DeleteKey" or "DeleteExpiredKeyMaterial"
  Scope scope;
  std::string key_id;
  Timestamp time;  // the instant the event was due (not when the scheduler ran)
  // RotateKey: "<RotationType> <KeyMaterialId>" ("AUTOMATIC 9e3c..." or
  // "ON_DEMAND 9e3c...", the new material's 64-hex id); DeleteExpiredKeyMaterial:
  // the KeyMaterialIds of the expired material, space-separated; DeleteKey: "".
  std::string detail;
};

// Told of each event after the transaction that made the change has
// committed, on the thread that called RunDueEvents, in the order fired.
class ServiceEventListener {
 public:
  virtual ~ServiceEventListener() = default;
  virtual void OnServiceEvent(const ServiceEvent& event) = 0;
};

}  // namespace rotor::core
