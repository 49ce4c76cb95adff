// ServiceEvents: what the service does on its own, without a caller. When
// time reaches a change, KmsService::RunDueEvents (core/scheduler.cc, driven by
// core::AdvanceTime) makes it and emits one event:
//   - RotateKey: an automatic rotation, or the completion of an on-demand
//     rotation delayed by --on-demand-rotation-delay;
//   - DeleteKey: the end of a key's deletion window (the key is gone);
//   - DeleteExpiredKeyMaterial: imported key material whose ValidTo has
//     passed (the key waits in PendingImport for the same material).
// The names are CloudTrail's eventName for these AwsServiceEvent entries
// (AWS KMS Developer Guide, "Examples of AWS KMS log entries"). The audit trail
// records them (server/audit/cloudtrail_event.cc), the virtual clock's answer
// (POST /_rotor/clock) lists them, and the dashboard's key timeline shows them;
// each writes the typed fields its own way, at the wire.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/key_ring.h"

namespace rotor::core {

enum class ServiceEventKind { kRotateKey, kDeleteKey, kDeleteExpiredKeyMaterial };
// "RotateKey", "DeleteKey", "DeleteExpiredKeyMaterial".
std::string_view ToString(ServiceEventKind kind);

struct ServiceEvent {
  ServiceEventKind kind = ServiceEventKind::kRotateKey;
  Scope scope;
  std::string key_id;  // bare key id
  Timestamp time;      // the instant the event was due (not when the scheduler ran)
  // RotateKey: AUTOMATIC or ON_DEMAND; unset for the other kinds.
  std::optional<RotationType> rotation_type;
  // KeyMaterialIds (64 hex characters): RotateKey, the new material's (one);
  // DeleteExpiredKeyMaterial, the expired material's, oldest version first;
  // DeleteKey, none.
  std::vector<std::string> key_material_ids;
};

// Told of each event after the transaction that made the change has
// committed, on the thread that called RunDueEvents, in the order fired; and
// of the RotateKey events of the replicas of a multi-Region primary rotated by
// RotateKeyOnDemand, on that request's thread (so implementations are thread-safe).
//
// Multi-Region keys: a rotation of a primary gives one RotateKey event per
// key, the primary's and each replica's (its own scope), with the same
// KeyMaterialId and time.
class ServiceEventListener {
 public:
  virtual ~ServiceEventListener() = default;
  virtual void OnServiceEvent(const ServiceEvent& event) = 0;
};

// Several listeners behind the service's one (the audit trail, the metrics),
// told in the order added. Add them all before the first event.
class ServiceEventListeners final : public ServiceEventListener {
 public:
  void Add(ServiceEventListener* listener) {
    if (listener) listeners_.push_back(listener);
  }
  void OnServiceEvent(const ServiceEvent& event) override {
    for (ServiceEventListener* l : listeners_) l->OnServiceEvent(event);
  }

 private:
  std::vector<ServiceEventListener*> listeners_;
};

}  // namespace rotor::core
