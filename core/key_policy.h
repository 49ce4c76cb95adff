// Key policies: stored and returned, not yet enforced (Rotor has no IAM).
// Validation matches what AWS checks before storing one.
#pragma once

#include <memory>
#include <string>

#include "core/key_metadata.h"
#include "core/key_policy_document.h"

namespace rotor::core {

constexpr size_t kMaxKeyPolicyBytes = 32768;  // AWS's key policy size quota

// AWS's default key policy for `account`, in AWS's own formatting.
std::string DefaultKeyPolicy(const std::string& account);

// A submitted key policy after the one check every writer (CreateKey,
// ReplicateKey, PutKeyPolicy) puts it through, so none is stored as submitted
// and none is stored unchecked.
struct CheckedKeyPolicy {
  std::string stored;                              // as AWS stores it (StoredKeyPolicy)
  std::shared_ptr<const CompiledPolicy> compiled;  // for the lockout check and evaluation
};

// Validates `policy` as AWS does before storing one, parsing it once:
// LimitExceededException when it is over 32 KiB, MalformedPolicyDocumentException
// when it is not a key policy in the policy language (CompilePolicy's texts:
// not a JSON object, no Statement, ...). Then compiles it and writes it again in
// the layout of AWS's own policies (Jackson's default pretty printer, which
// DefaultKeyPolicy shows): two-space indents per object level, `"name" : value`,
// arrays on one line (`[ "a", "b" ]`, `[ {` ... `}, {` ... `} ]`), `{ }` and
// `[ ]` when empty, members in the submitted order, strings re-escaped (only
// `"`, `\` and control characters), no trailing newline. Rotor's reading of
// recorded GetKeyPolicy answers; docs/aws-kms-behaviour.md section 5.
// The lockout safety check is the writer's next step (key_policy_decision.h).
CheckedKeyPolicy CheckKeyPolicy(const std::string& policy);

// CheckKeyPolicy(policy).stored: the policy as AWS stores it and GetKeyPolicy returns it.
std::string StoredKeyPolicy(const std::string& policy);

// `key.policy` compiled: the form kept with the key (Key::compiled_policy),
// compiled on first use. A stored policy that does not compile (one stored by
// an older Rotor, whose check was laxer) compiles to a policy of no
// statements: it allows nothing, and only grants give access to the key.
std::shared_ptr<const CompiledPolicy> KeyPolicyOf(const Key& key);

// Only "default" exists; anything else is NotFoundException.
void RequireDefaultPolicyName(const std::string& name);

}  // namespace rotor::core
