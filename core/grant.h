// Grants: the Grant record, AWS's GrantOperation enum, and the rules AWS
// applies when a grant is created, each a plain function of plain values.
//
// Sources: AWS KMS API Reference (CreateGrant, ListGrants, ListRetirableGrants,
// RetireGrant, RevokeGrant, GrantConstraints, GrantListEntry) and the AWS KMS
// Developer Guide ("Grants in AWS KMS", "Grant constraints", "Using a grant
// token", "Retiring and revoking grants", "Key type reference", quotas).
// Where AWS's exact message text is not on record, docs/aws-kms-behaviour.md
// ("Grants") says which text Rotor answers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/encryption_context.h"
#include "core/ids.h"
#include "core/key_metadata.h"

namespace rotor::core {

// AWS's GrantOperation enum (the botocore model's GrantOperation shape).
enum class GrantOperation {
  kDecrypt,
  kEncrypt,
  kGenerateDataKey,
  kGenerateDataKeyWithoutPlaintext,
  kReEncryptFrom,
  kReEncryptTo,
  kSign,
  kVerify,
  kGetPublicKey,
  kCreateGrant,
  kRetireGrant,
  kDescribeKey,
  kGenerateDataKeyPair,
  kGenerateDataKeyPairWithoutPlaintext,
  kGenerateMac,
  kVerifyMac,
  kDeriveSharedSecret,
};
std::string_view ToString(GrantOperation v);
template <>
std::optional<GrantOperation> Parse<GrantOperation>(std::string_view text);

// GrantConstraints: each map present only when the request gave it.
struct GrantConstraints {
  std::optional<EncryptionContext> encryption_context_subset;
  std::optional<EncryptionContext> encryption_context_equals;
  bool operator==(const GrantConstraints&) const = default;
};

// One grant, as stored with its key and listed by ListGrants.
struct Grant {
  Scope scope;
  std::string key_id;    // bare key id of the key the grant is on
  std::string grant_id;  // 64 lowercase hex digits
  std::string name;      // "" when the request gave none
  Timestamp creation_date;
  std::string grantee_principal;
  std::string retiring_principal;          // "" when none
  std::string issuing_account;             // "arn:aws:iam::<account>:root"
  std::vector<GrantOperation> operations;  // in the order the request gave them, no duplicates
  std::optional<GrantConstraints> constraints;
  bool operator==(const Grant&) const = default;
};

// AWS's quota: grants per KMS key (Developer Guide, "Resource quotas").
constexpr size_t kMaxGrantsPerKey = 50000;
// Pairs one encryption context constraint may hold, and the characters of
// each of its values (API Reference, CreateGrant Constraints).
constexpr size_t kMaxConstraintPairs = 8;
constexpr size_t kMaxConstraintValueChars = 384;

// "arn:aws:iam::<account>:root": the IssuingAccount of a grant made in `scope`.
std::string IssuingAccountArn(const Scope& scope);

// A GrantId: 64 lowercase hex digits, as AWS issues them.
bool IsGrantId(std::string_view text);

// The operations a grant on a key of this spec and usage may allow
// (Developer Guide, "Grant operations" and "Key type reference").
bool GrantOperationAllowed(KeySpec spec, KeyUsage usage, GrantOperation op);

// Checks a CreateGrant request's operations against the key (spec, usage;
// `key_arn` names it in messages). Throws ValidationException:
//  - "Grants must not contain only the CreateGrant operation." (recorded from AWS);
//  - an operation the key type does not support (Sign on a symmetric key...).
// Duplicates are dropped (order kept) in the returned list.
std::vector<GrantOperation> CheckGrantOperations(KeySpec spec, KeyUsage usage,
                                                 const std::vector<GrantOperation>& operations);

// Encryption context constraints are allowed only for symmetric encryption
// keys and only on operations that take an encryption context, plus
// CreateGrant, RetireGrant and DescribeKey (to which they do not apply).
// Throws ValidationException otherwise, and when a constraint holds more than
// 8 pairs or a value longer than 384 characters.
void CheckGrantConstraints(KeySpec spec, const std::vector<GrantOperation>& operations,
                           const std::optional<GrantConstraints>& constraints);

// A principal AWS accepts as GranteePrincipal or RetiringPrincipal: an account
// id (12 digits), an IAM or STS ARN ("arn:<partition>:iam::<12 digits>:<resource>",
// "arn:<partition>:sts::<12 digits>:assumed-role/...") or an AWS service
// principal ("<name>.amazonaws.com"). Throws InvalidArnException ("ARN does
// not refer to a valid principal: <principal>", recorded from AWS) otherwise.
void CheckPrincipal(std::string_view principal);

// Every check CreateGrant makes of a grant's own values on a key of this spec
// and usage, in AWS's order: GranteePrincipal and RetiringPrincipal (when not
// "") with CheckPrincipal, then CheckGrantOperations (`grant.operations` comes
// back without duplicates), then CheckGrantConstraints. Seed files' grants
// get the same. Throws what those throw.
void CheckGrant(KeySpec spec, KeyUsage usage, Grant& grant);

// The Name idempotency rule (API Reference, CreateGrant Name): a request that
// names a grant with the same Name, grantee, retiring principal, operations
// and constraints as an existing grant of the key gets that grant back.
bool SameGrantParameters(const Grant& existing, const Grant& requested);

// Grant tokens. A token is base64 text (AWS's alphabet, '=' padded) of:
// 0x01, then 0x0a 0x40 and the 64 ASCII hex digits of the GrantId, then
// 0x12, one length byte and "<account>:<region>:<key id>" followed by 16
// random bytes (so every CreateGrant answers a fresh token, as AWS does).
struct GrantTokenParts {
  Scope scope;
  std::string key_id;
  std::string grant_id;
};
// `nonce`: 16 random bytes.
std::string MakeGrantToken(const Grant& grant, const Bytes& nonce);
// Nullopt for text that is not a token Rotor issued (any scope, any key).
std::optional<GrantTokenParts> ParseGrantToken(std::string_view token);
// Throws InvalidGrantTokenException for the first token ParseGrantToken refuses.
void CheckGrantTokens(const std::vector<std::string>& tokens);

}  // namespace rotor::core
