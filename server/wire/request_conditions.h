// RequestConditions: strict mode's AccessRequest (core/access_request.h) for
// one KMS request, read once from its validated body: the operation's IAM
// actions and cross-account rule (the operation table), the condition keys the
// request carries, and its grant tokens. Views point into the body and into
// this object, which lives on the router's stack for the request; nothing is
// allocated.
//
// Which member feeds which condition key (AWS KMS Developer Guide, "AWS KMS
// condition keys"; IAM User Guide, "AWS global condition context keys"):
//   kms:EncryptionAlgorithm  EncryptionAlgorithm; SYMMETRIC_DEFAULT when absent from Encrypt,
//                            Decrypt and GenerateDataKey* (the member's default)
//   kms:SigningAlgorithm     SigningAlgorithm
//   kms:MacAlgorithm         MacAlgorithm
//   kms:MessageType          MessageType
//   kms:DataKeyPairSpec      KeyPairSpec (GenerateDataKeyPair*)
//   kms:WrappingAlgorithm    WrappingAlgorithm, kms:WrappingKeySpec WrappingKeySpec
//   kms:ExpirationModel      ExpirationModel, kms:ValidTo ValidTo (epoch seconds)
//   kms:RotationPeriodInDays RotationPeriodInDays
//   kms:ScheduleKeyDeletionPendingWindowInDays  PendingWindowInDays
//   kms:ReplicaRegion        ReplicaRegion, kms:PrimaryRegion PrimaryRegion
//   kms:BypassPolicyLockoutSafetyCheck  BypassPolicyLockoutSafetyCheck
//   kms:GrantOperations      Operations (CreateGrant), kms:GrantConstraintType
//                            EncryptionContextEquals / EncryptionContextSubset of Constraints,
//                            kms:GrantIsForAWSResource false (no AWS service calls Rotor)
//   kms:RequestAlias         KeyId when it is an alias name or alias ARN (the alias name)
//   CreateKey only:          kms:KeySpec (KeySpec, default SYMMETRIC_DEFAULT),
//                            kms:KeyUsage (KeyUsage, ENCRYPT_DECRYPT), kms:KeyOrigin
//                            (Origin, AWS_KMS), kms:MultiRegion (MultiRegion, false)
//   aws:TagKeys              the TagKey of each of Tags, or TagKeys (UntagResource)
//   aws:RequestTag/<k>       the TagValue of Tags' entry whose TagKey is <k>
//   aws:CurrentTime, aws:EpochTime  the request's clock reading (ISO 8601, seconds)
//   aws:SecureTransport      false (Rotor serves plain HTTP on loopback)
//   aws:SourceIp             the peer's address
// kms:EncryptionContext:<k> and kms:EncryptionContextKeys are read by core from
// the request's encryption context; the key's kms:KeySpec, kms:KeyUsage,
// kms:KeyOrigin, kms:MultiRegion and kms:MultiRegionKeyType are added by core.
#pragma once

#include <array>

#include <nlohmann/json.hpp>

#include "core/access_request.h"
#include "core/key_policy_decision.h"
#include "core/request_context.h"
#include "server/wire/operation_table.h"

namespace rotor::server::wire {

class RequestConditions {
 public:
  // `body` and `ctx` must outlive this object.
  RequestConditions(const OperationEntry& op, const nlohmann::json& body,
                    const core::RequestContext& ctx);
  RequestConditions(const RequestConditions&) = delete;
  RequestConditions& operator=(const RequestConditions&) = delete;

  const core::AccessRequest& access() const { return access_; }

 private:
  static constexpr size_t kMaxList = 50;  // AWS's list limits: 50 tags, 10 grant tokens
  core::AccessRequest access_;
  core::ConditionKeys keys_;
  std::array<std::string_view, kMaxList> grant_operations_{};
  std::array<std::string_view, kMaxList> tag_keys_{};
  std::array<core::TagRef, kMaxList> request_tags_{};
  std::array<std::string_view, kMaxList> grant_tokens_{};
  std::array<char, 48> current_time_{};
  std::array<char, 24> epoch_time_{};
  std::array<std::array<char, 24>, 3> numbers_{};
  size_t numbers_used_ = 0;
};

}  // namespace rotor::server::wire
