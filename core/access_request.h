// AccessRequest: what the transport hands core about one strict-mode request
// so that core can authorise it (core/key_policy_decision.h decides): the IAM
// actions of the operation, whether it may use a key of another account, and
// the condition keys its body carries. Built once per request by the wire
// (server/wire/request_conditions.h) as views into the parsed request body; the
// key's own condition keys (kms:KeySpec, kms:KeyUsage...), the caller's and the
// encryption context are added by core once the key is resolved.
//
// In open mode the wire builds none (RequestContext::access is null) and
// nothing is authorised: open mode is unchanged.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "core/key_policy_document.h"

namespace rotor::core {

struct AccessRequest {
  // The IAM actions of the operation ("kms:Encrypt"); ReEncrypt has two:
  // kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination.
  std::array<std::string_view, 2> actions;
  // AWS lets the operation use a key of another account when the request names
  // the key by its key ARN (API Reference: "Cross-account use: Yes").
  bool cross_account = false;
  // The condition keys read from the request body and the request itself
  // (kms:EncryptionAlgorithm, kms:GrantOperations, aws:CurrentTime, ...).
  std::span<const ConditionEntry> conditions;
  // The tags the request sets (Tags of CreateKey, TagResource, ReplicateKey):
  // aws:RequestTag/<k>.
  std::span<const TagRef> request_tags;
  // The request's GrantTokens: grants they name are usable at once.
  std::span<const std::string_view> grant_tokens;
};

}  // namespace rotor::core
