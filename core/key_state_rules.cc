#include "core/key_state_rules.h"

#include "core/kms_error.h"

namespace rotor::core {

std::string_view StatePhrase(KeyState state) {
  switch (state) {
    case KeyState::kCreating:
      return "creating";
    case KeyState::kEnabled:
      return "enabled";
    case KeyState::kDisabled:
      return "disabled";
    case KeyState::kPendingDeletion:
      return "pending deletion";
    case KeyState::kPendingImport:
      return "pending import";
    case KeyState::kPendingReplicaDeletion:
      return "pending replica deletion";
    case KeyState::kUnavailable:
      return "unavailable";
    case KeyState::kUpdating:
      return "updating";
  }
  return "unavailable";
}

void RequireState(const Key& key, StateRule rule) {
  const KeyState s = key.state;
  switch (rule) {
    case StateRule::kAny:
      return;
    case StateRule::kPendingDeletionOnly:
      if (s == KeyState::kPendingDeletion || s == KeyState::kPendingReplicaDeletion) return;
      throw KmsError::InvalidState(key.Arn(), "not pending deletion");
    case StateRule::kEnableDisable:
      if (s == KeyState::kEnabled || s == KeyState::kDisabled) return;
      break;
    case StateRule::kManagement:
      if (s != KeyState::kPendingDeletion && s != KeyState::kPendingReplicaDeletion) return;
      break;
    case StateRule::kRotationStatus:
      if (s == KeyState::kPendingImport) throw KmsError::OriginNotValid(key.Arn(), "EXTERNAL");
      return;
    case StateRule::kRotationSettings:
      if (s == KeyState::kPendingImport) throw KmsError::OriginNotValid(key.Arn(), "EXTERNAL");
      [[fallthrough]];
    case StateRule::kCryptographic:
    case StateRule::kRotation:
      if (s == KeyState::kEnabled) return;
      if (s == KeyState::kDisabled) throw KmsError::Disabled(key.Arn());
      break;
  }
  throw KmsError::InvalidState(key.Arn(), StatePhrase(s));
}

void RequireUsage(const Key& key, KeyUsage usage, std::string_view operation) {
  if (key.usage != usage)
    throw KmsError::InvalidKeyUsage(key.Arn(), ToString(key.usage), operation);
}

}  // namespace rotor::core
