// The policy language of KMS key policies (and of the IAM identity policies
// the credentials file gives principals), parsed and compiled once, then
// evaluated against a request without allocating.
//
// Sources: IAM User Guide, "IAM JSON policy elements reference" (Version,
// Statement, Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
// NotResource, Condition), "IAM JSON policy elements: Condition operators"
// (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*, Null, the
// ...IfExists forms), "Single-valued vs. multivalued context keys"
// (ForAnyValue / ForAllValues), "AWS global condition context keys"; AWS KMS
// Developer Guide, "Key policies in AWS KMS", "Default key policy", "AWS KMS
// condition keys".
//
// What is matched how:
//  - Action / NotAction: "service:Name" patterns with `*` and `?`, compared
//    without regard to case ("kms:*", "kms:Get*", "kms:Re*crypt*"), or "*".
//  - Resource / NotResource: "*" or ARN patterns with `*` and `?`, case-sensitive,
//    against the key ARN.
//  - Principal (key policies only): "*" or {"AWS": ...} with "*", a 12-digit
//    account id, "arn:aws:iam::<account>:root" (both name the account: such a
//    statement delegates to the account's identity policies), an IAM user or
//    role ARN, an STS assumed-role session ARN; {"Service": "<name>.amazonaws.com"}.
//  - Condition: operator -> { key -> value or [values] }. Keys compare without
//    regard to case; values are strings, numbers or booleans (as text).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/encryption_context.h"

namespace rotor::core {

// One tag of a key (aws:ResourceTag/<k>) or of a request's Tags
// (aws:RequestTag/<k>), as views.
struct TagRef {
  std::string_view key;
  std::string_view value;
};

// One condition key of a request and its values (one value for a
// single-valued key, several for kms:EncryptionContextKeys, aws:TagKeys...).
// `key` is compared without regard to case. Views only: they must outlive the
// evaluation.
struct ConditionEntry {
  std::string_view key;
  std::span<const std::string_view> values;
};

// What a policy statement is matched against: plain views, nothing owned.
struct PolicyRequest {
  std::string_view action;             // "kms:Decrypt"
  std::string_view resource;           // the key ARN
  std::string_view caller_arn;         // the ARN the caller signs as (a session ARN for a role)
  std::string_view principal_arn;      // aws:PrincipalArn (the role's ARN for a session)
  std::string_view principal_account;  // 12 digits
  std::string_view service;            // "<name>.amazonaws.com" when an AWS service calls, else ""
  // Every condition key the request carries except kms:EncryptionContext:<k>,
  // which is read from `encryption_context` (nullptr: none in the request).
  std::span<const ConditionEntry> conditions;
  const EncryptionContext* encryption_context = nullptr;
  // aws:ResourceTag/<k>: the key's tags; aws:RequestTag/<k>: the tags the
  // request sets (CreateKey, TagResource, ReplicateKey). The tag key part of
  // the condition key compares without regard to case, as IAM's does.
  std::span<const TagRef> resource_tags;
  std::span<const TagRef> request_tags;
};

// How a statement's Principal matched the request (key policies).
enum class PrincipalMatch : uint8_t {
  kNone,
  kDirect,   // "*", the caller's own ARN, its role, or its service
  kAccount,  // the caller's account (id or :root): the account's identity policies decide
};

// What one policy says about one request.
struct PolicyVerdict {
  bool explicit_deny = false;
  bool allow_direct =
      false;  // an Allow statement naming the caller (or "*"); identity policies: any Allow
  bool allow_account = false;  // an Allow statement naming the caller's account
};

class CompiledPolicy;

enum class PolicyKind {
  kKeyPolicy,       // resource-based: Principal or NotPrincipal required in each statement
  kIdentityPolicy,  // identity-based: no Principal; Resource or NotResource required
};

// Parses and checks `json`, compiling it for evaluation. Throws
// MalformedPolicyDocumentException (KmsError) naming the first problem:
//  - "The new key policy is not a valid JSON document." / not an object;
//  - "The new key policy has no Statement element.";
//  - "Policy contains a statement with one or more invalid principals."
//    (AWS's recorded text) for a Principal that is none of the forms above;
//  - the other structural faults (docs/access-control.md, "Key policies", lists
//    each text: Rotor's words, AWS's are not on record).
// Does not check the size (CheckKeyPolicy does, before).
std::shared_ptr<const CompiledPolicy> CompilePolicy(std::string_view json, PolicyKind kind);
// The same for a document already parsed (CheckKeyPolicy parses once, for this
// and for the stored layout); `doc` need not be an object.
std::shared_ptr<const CompiledPolicy> CompileParsedPolicy(const nlohmann::ordered_json& doc,
                                                          PolicyKind kind);

// Evaluates every statement of `policy` against `request` (IAM's order does
// not matter: an explicit Deny is reported whatever else matched).
// Allocates nothing.
PolicyVerdict EvaluatePolicy(const CompiledPolicy& policy, const PolicyRequest& request);

// Whether a condition of `policy` reads kms:ResourceAliases (the aliases of the
// key), so that the caller looks them up only for the policies that need them.
bool ReadsResourceAliases(const CompiledPolicy& policy);

// Number of statements (tests, the dashboard).
size_t StatementCount(const CompiledPolicy& policy);

// `*` (any run) and `?` (one character) glob match; `ignore_case` for actions.
bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace rotor::core
