// HMAC keys: GenerateMac, VerifyMac.
//
// Hot path: the HMAC key comes from the KeyCache like symmetric material.
#include "core/hmac.h"
#include "core/kms_error.h"
#include "core/kms_service.h"

namespace rotor::core {
namespace {

// An HMAC key computes exactly one MAC algorithm, the one its spec names.
void RequireMacAlgorithm(const Key& key, MacAlgorithm algorithm) {
  if (MacAlgorithmOf(key.spec) != algorithm) {
    throw KmsError::IncompatibleAlgorithm(ToString(algorithm), ToString(key.spec));
  }
}

}  // namespace

MacResult KmsService::GenerateMac(const RequestContext& ctx, const MacRequest& req) {
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kGenerateVerifyMac);
  RequireMacAlgorithm(*key, req.algorithm);
  if (req.dry_run) throw KmsError::DryRun();
  std::shared_ptr<const UnsealedMaterial> material = MaterialFor(*key, key->current_version);
  if (!material) throw KmsError::Internal("the key material of " + key->Arn() + " is missing");
  MacResult result;
  result.key_arn = key->Arn();
  result.algorithm = req.algorithm;
  result.mac = ComputeHmac(key->spec, {material->bytes.data(), material->bytes.size()},
                           {req.message.data(), req.message.size()});
  RecordUsage(ctx, *key);
  return result;
}

MacResult KmsService::VerifyMac(const RequestContext& ctx, const MacRequest& req) {
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kGenerateVerifyMac);
  RequireMacAlgorithm(*key, req.algorithm);
  if (req.dry_run) throw KmsError::DryRun();
  std::shared_ptr<const UnsealedMaterial> material = MaterialFor(*key, key->current_version);
  if (!material) throw KmsError::Internal("the key material of " + key->Arn() + " is missing");
  bool valid = VerifyHmac(key->spec, {material->bytes.data(), material->bytes.size()},
                          {req.message.data(), req.message.size()}, req.mac);
  // A MAC that does not match is this error with no message, never MacValid=false.
  if (!valid) throw KmsError(ErrorCode::kKmsInvalidMac, "");
  RecordUsage(ctx, *key);
  MacResult result;
  result.key_arn = key->Arn();
  result.algorithm = req.algorithm;
  result.valid = true;
  return result;
}

}  // namespace rotor::core
