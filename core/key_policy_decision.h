// The access decision for one request on one KMS key: the key policy, the
// caller's identity policy and the key's grants, evaluated the way AWS KMS
// evaluates them. A pure function of plain values.
//
// Sources: IAM User Guide, "Policy evaluation logic" (an explicit Deny in any
// policy wins; otherwise an Allow is needed), "Cross-account policy evaluation
// logic" (both the resource-based and the identity-based policy must allow),
// "Access denied error messages"; AWS KMS Developer Guide, "Determining access
// to AWS KMS keys" (the key policy first, then the IAM policies it enables
// through the account's `arn:aws:iam::<account>:root` statement, then
// grants), "Grants in AWS KMS", "Grant constraints", "Retiring and revoking
// grants", "Allowing users in other accounts to use a KMS key", "Default key
// policy" (the lockout safety check).
//
// docs/access-control.md ("How a decision is made") walks through each path.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/grant.h"
#include "core/key_policy_document.h"
#include "core/kms_error.h"
#include "core/request_context.h"

namespace rotor::core {

// Who calls, as policy evaluation sees it (views; they must outlive the check).
struct AccessCaller {
  std::string_view arn;            // what AWS's messages name: "User: <arn> is not authorized..."
  std::string_view principal_arn;  // aws:PrincipalArn (a session's role ARN)
  std::string_view account;        // aws:PrincipalAccount, 12 digits
  std::string_view type;           // aws:PrincipalType: "Account", "User", "AssumedRole"
  std::string_view user_id;        // aws:userid
  std::string_view user_name;      // aws:username ("" when none)
  // The caller's identity policy; nullptr means none was given, which Rotor
  // treats as full IAM permissions in the caller's own account.
  const CompiledPolicy* identity_policy = nullptr;
};

// The caller in open mode, and in the lockout check of open mode: the account
// root of `account` ("arn:aws:iam::<account>:root", type "Account").
// `storage` keeps the ARN text alive.
AccessCaller AccountRootCaller(std::string_view account, std::string& storage);

// A verified principal as policy evaluation sees it (core/principal.h): its
// ARN, role ARN, account, aws:PrincipalType ("Account" for the root, "User"
// for an IAM user, "AssumedRole" for a role or a session), aws:userid,
// aws:username (IAM users only) and its compiled identity policy.
AccessCaller PrincipalCaller(const Principal& principal);

// Who a request is decided for: in strict mode the verified principal
// (ctx.principal), in open mode the account root of ctx.scope.account.
// `storage` keeps the root's ARN text alive.
AccessCaller RequestCaller(const RequestContext& ctx, std::string& storage);

enum class AccessOutcome {
  kAllowed,
  kNoResourcePolicyAllows,  // implicit deny: the key policy (nor a grant) allows it
  kNoIdentityPolicyAllows,  // the key policy delegates to the account, the identity policy does not
                            // allow
  kExplicitDenyInResource,  // a Deny statement of the key policy matched
  kExplicitDenyInIdentity,  // a Deny statement of the identity policy matched
};

enum class AllowedBy {
  kNone,
  kKeyPolicy,             // a statement naming the caller (or "*") in the key's account
  kKeyPolicyAndIdentity,  // the key policy (account or caller) together with the identity policy
  kGrant,
  kRetiringPrincipal,  // RetireGrant by the grant's retiring principal
};

struct AccessDecision {
  AccessOutcome outcome = AccessOutcome::kNoResourcePolicyAllows;
  AllowedBy allowed_by = AllowedBy::kNone;
  const Grant* grant = nullptr;  // the grant that allowed it, for kGrant / kRetiringPrincipal
  bool allowed() const { return outcome == AccessOutcome::kAllowed; }
};

struct AccessCheck {
  const CompiledPolicy* key_policy = nullptr;  // required
  PolicyRequest request;  // action, resource (key ARN), caller fields, conditions
  std::string_view key_account;
  const CompiledPolicy* identity_policy = nullptr;  // nullptr: full IAM permissions
  // The key's grants, and the action as a grant operation (nullopt: no grant
  // can allow this action, e.g. kms:PutKeyPolicy).
  std::span<const Grant> grants;
  std::optional<GrantOperation> grant_operation;
  // RetireGrant: the grant being retired (its retiring principal may retire it).
  const Grant* retiring_grant = nullptr;
};

// The decision. Order: explicit Deny in the key policy, then in the identity
// policy; an Allow from the key policy naming the caller in the key's own
// account; an Allow from the key policy (naming the caller or its account)
// together with the identity policy (always needed across accounts); a grant
// whose grantee, operation and constraints match; the retiring principal of
// `retiring_grant`. Otherwise the implicit deny naming the layer that lacked
// the Allow. Allocates nothing.
AccessDecision DecideAccess(const AccessCheck& check);

// A grant's grantee principal names the caller: its ARN, its role's ARN, its
// service principal, or its account (id or :root ARN).
bool GranteeMatches(std::string_view grantee, const PolicyRequest& request);

// The grant allows `op` to the caller of `request`, its constraints checked
// against the request's encryption context (absent: empty):
// EncryptionContextEquals needs the same pairs, EncryptionContextSubset those
// pairs among others; keys compare without regard to case, values exactly
// (API Reference, GrantConstraints). Constraints do not apply to operations without an
// encryption context (DescribeKey, CreateGrant, RetireGrant...).
bool GrantAllows(const Grant& grant, const PolicyRequest& request, GrantOperation op);

// The AWS action a grant operation stands for, "kms:<Operation>", and back.
std::optional<GrantOperation> GrantOperationOfAction(std::string_view action);

// AccessDeniedException with AWS's wording for a denied decision
// (KmsError::AccessDenied has the texts).
KmsError AccessDeniedFor(AccessOutcome outcome, std::string_view caller_arn,
                         std::string_view action, std::string_view key_arn);

// The condition keys of a request, built without allocating beyond the
// builder itself (a fixed table): the principal's global keys, kms:CallerAccount,
// and whatever the operation adds. Views must outlive the builder's use.
class ConditionKeys {
 public:
  static constexpr size_t kCapacity = 48;
  ConditionKeys() = default;
  ConditionKeys(const ConditionKeys&) = delete;  // entries point into the builder
  ConditionKeys& operator=(const ConditionKeys&) = delete;
  // Adds one single-valued key; ignored when `value` is empty or the table is full.
  void Add(std::string_view key, std::string_view value);
  // Adds a multivalued key (`values` must outlive the builder's use).
  void AddMany(std::string_view key, std::span<const std::string_view> values);
  // The caller's global keys (aws:PrincipalArn, aws:PrincipalAccount,
  // aws:PrincipalType, aws:userid, aws:username) and kms:CallerAccount.
  void AddCaller(const AccessCaller& caller);
  std::span<const ConditionEntry> entries() const { return {entries_.data(), size_}; }

 private:
  std::array<ConditionEntry, kCapacity> entries_{};
  std::array<std::string_view, kCapacity> singles_{};
  size_t size_ = 0;
};

// The lockout safety check of CreateKey and PutKeyPolicy: throws
// MalformedPolicyDocumentException "The new key policy will not allow you to
// update the key policy in the future." (AWS's text) unless `caller` would be
// allowed kms:PutKeyPolicy on `key_arn` under `policy` (with its identity
// policy). Skipped by the caller when BypassPolicyLockoutSafetyCheck is true.
void RequireLockoutSafe(const CompiledPolicy& policy, const AccessCaller& caller,
                        std::string_view key_arn, std::string_view key_account);
// The same for the request's caller (RequestCaller).
void RequireLockoutSafe(const CompiledPolicy& policy, const RequestContext& ctx,
                        std::string_view key_arn, std::string_view key_account);

}  // namespace rotor::core
