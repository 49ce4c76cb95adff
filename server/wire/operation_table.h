// The table of KMS operations Rotor implements, in the manner of Redis's
// command table: one row per operation says everything about it, and every
// part of Rotor that needs a fact about an operation reads the row (the
// router, the HTTP transport's choice of thread, the audit trail, the admin
// API and its dashboard, and the access-control work's policy actions).
// Adding an operation is one row here plus its handler in operations/.
//
// How each column is derived:
//   name           the botocore model's operation name (server/wire/kms_model.json);
//                  requests name it as X-Amz-Target "TrentService.<name>".
//   family         Rotor's grouping of operations, written here only: Key
//                  lifecycle, Tags and key policies, Aliases, Cryptography,
//                  Asymmetric keys, HMAC keys, Imported key material, Rotation,
//                  Grants.
//   kReadOnly      the Describe*, Get* and List* operations: they answer with
//                  state and change none a caller can see. Their audit records
//                  say readOnly and carry no response elements.
//   kCryptographic the AWS KMS Developer Guide's list of cryptographic
//                  operations (https://docs.aws.amazon.com/kms/latest/developerguide/
//                  kms-cryptography.html#cryptographic-operations): the
//                  operations that use a KMS key to protect data, and
//                  GenerateRandom. Their audit records carry no response
//                  elements, as CloudTrail's do not.
//   kBlocking      may wait on a durable write (every operation that changes
//                  state) or on slow CPU work (key-pair generation): the
//                  transport runs it on the blocking pool, off the I/O threads.
//                  Rotor's own fact, from how its storage and crypto work.
//   kChangesKeyState  may move a key to another key state (AWS KMS Developer
//                  Guide, "Key states of AWS KMS keys"); the dashboard marks these.
//   never_logged   the request members the audit trail never records: in the
//                  botocore model, the operation's input members whose shape is
//                  `sensitive` or a blob, or holds one (Recipient holds the
//                  AttestationDocument blob). Members the model does not define
//                  are never recorded either (server/wire/loggable.h).
//   kCrossAccount  the API Reference says "Cross-account use: Yes": a caller may
//                  use a key of another account, named by its key ARN, when the
//                  key policy lets it (strict mode; core/access_request.h).
//                  Rotor's rows: the operations that use a key's material,
//                  DescribeKey, GetPublicKey, GetKeyRotationStatus and the grant
//                  operations on a key (CreateGrant, ListGrants, RevokeGrant, RetireGrant).
//   policy_actions the IAM actions a key policy must allow: "kms:<name>" on
//                  the key the request names; ReEncrypt is authorised twice,
//                  as kms:ReEncryptFrom on the source key and kms:ReEncryptTo
//                  on the destination key (AWS KMS API Reference, ReEncrypt).
// tests/server/operation_table_test.cc checks each column against the model
// and these rules.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include "core/service_events.h"
#include "server/wire/operations/operations.h"

namespace rotor::server::wire {

enum class Family {
  kKeyLifecycle,
  kTagsAndPolicies,
  kAliases,
  kCryptography,
  kAsymmetricKeys,
  kHmacKeys,
  kImportedKeyMaterial,
  kRotation,
  kGrants,
};
// "Key lifecycle", "Tags and key policies", ...: how the admin API and the
// dashboard name a family.
std::string_view ToString(Family family);

enum OperationFlag : unsigned {
  kReadOnly = 1u << 0,
  kCryptographic = 1u << 1,
  kBlocking = 1u << 2,
  kChangesKeyState = 1u << 3,
  kCrossAccount = 1u << 4,
};

struct OperationEntry {
  std::string_view name;  // "Encrypt"
  Family family;
  unsigned flags;                                  // OperationFlag bits
  std::span<const std::string_view> never_logged;  // request member names, as on the wire
  std::array<std::string_view, 2> policy_actions;  // "kms:Encrypt"; the second one or ""
  nlohmann::json (*handler)(operations::OperationContext&);

  bool read_only() const { return (flags & kReadOnly) != 0; }
  bool cryptographic() const { return (flags & kCryptographic) != 0; }
  bool blocking() const { return (flags & kBlocking) != 0; }
  bool changes_key_state() const { return (flags & kChangesKeyState) != 0; }
  bool cross_account() const { return (flags & kCrossAccount) != 0; }
  // CloudTrail logs response elements only for calls that are neither
  // read-only nor cryptographic.
  bool logs_response() const { return !read_only() && !cryptographic(); }
};

// The row of the operation named exactly `name` ("Encrypt"; case-sensitive),
// or nullptr for a name that is not a KMS operation Rotor implements.
const OperationEntry* FindOperation(std::string_view name);
// Every row, grouped by family.
std::span<const OperationEntry> AllOperations();

// What Rotor does on its own (core/service_events.h) gets a row too, with the
// columns that apply to it.
struct ServiceEventEntry {
  core::ServiceEventKind kind;
  Family family;
  unsigned flags;  // kChangesKeyState or 0
};
std::span<const ServiceEventEntry> AllServiceEvents();

}  // namespace rotor::server::wire
