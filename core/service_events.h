// ServiceEvents: what the service does on its own, without a caller
// (automatic rotations, completed on-demand rotations, expired deletion
// windows). The audit trail records these the way CloudTrail records its
// service events; the virtual clock's answer lists them.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/ids.h"

namespace rotor::core {

struct ServiceEvent {
  std::string name;  // "RotateKey", "DeleteKey", "KeyMaterialExpired"...
  Scope scope;
  std::string key_id;
  Timestamp time;
  std::string detail;  // e.g. rotation type and the new KeyMaterialId
};

class ServiceEventListener {
 public:
  virtual ~ServiceEventListener() = default;
  virtual void OnServiceEvent(const ServiceEvent& event) = 0;
};

}  // namespace rotor::core
