// Fuzz target: the key policy language (core/key_policy_document.h). The input
// is compiled as a key policy and as an identity policy; what compiles is
// evaluated against a fixed request carrying an encryption context and a few
// condition keys, and put through the decision and the lockout safety check.
// MalformedPolicyDocumentException is the only answer allowed for a bad
// document; anything else escaping, a crash or a sanitizer report is a bug
// (a CreateKey or PutKeyPolicy body would take the server down).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <typeinfo>

#include "core/key_policy_decision.h"
#include "core/key_policy_document.h"
#include "core/kms_error.h"

namespace {

using namespace rotor::core;

void Evaluate(const CompiledPolicy& key_policy, const CompiledPolicy* identity) {
  static const EncryptionContext kContext{{"Dept", "IT"}, {"Project", "x"}};
  std::string root;
  AccessCaller caller = AccountRootCaller("111122223333", root);
  ConditionKeys keys;
  keys.AddCaller(caller);
  keys.Add("kms:ViaService", "s3.us-east-1.amazonaws.com");
  keys.Add("aws:CurrentTime", "2026-12-01T07:00:00Z");
  keys.Add("aws:EpochTime", "1796108400");
  keys.Add("aws:SourceIp", "127.0.0.1");
  keys.Add("kms:RotationPeriodInDays", "90");
  AccessCheck check;
  check.key_policy = &key_policy;
  check.identity_policy = identity;
  check.key_account = "111122223333";
  check.request.action = "kms:Decrypt";
  check.request.resource =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  check.request.caller_arn = caller.arn;
  check.request.principal_arn = caller.principal_arn;
  check.request.principal_account = caller.account;
  check.request.conditions = keys.entries();
  check.request.encryption_context = &kContext;
  (void)DecideAccess(check);
  try {
    RequireLockoutSafe(key_policy, caller, check.request.resource, check.key_account);
  } catch (const KmsError& e) {
    if (e.code() != ErrorCode::kMalformedPolicyDocument) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::shared_ptr<const CompiledPolicy> key_policy;
    std::shared_ptr<const CompiledPolicy> identity;
    try {
      key_policy = CompilePolicy(text, PolicyKind::kKeyPolicy);
    } catch (const KmsError& e) {
      if (e.code() != ErrorCode::kMalformedPolicyDocument) std::abort();
    }
    try {
      identity = CompilePolicy(text, PolicyKind::kIdentityPolicy);
    } catch (const KmsError& e) {
      if (e.code() != ErrorCode::kMalformedPolicyDocument) std::abort();
    }
    if (key_policy) Evaluate(*key_policy, identity.get());
    if (identity) Evaluate(*identity, nullptr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_key_policy: %s escaped: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  return 0;
}
