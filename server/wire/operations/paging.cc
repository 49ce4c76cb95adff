// Request readers and response writers shared by several operations (paging,
// Recipient, data key pairs, MACs, grant lists).
#include "core/kms_error.h"
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

core::Page ReadPage(const json& body) {
  return core::Page{fields::OptInt(body, "Limit"), fields::OptString(body, "Marker")};
}

json GrantList(const OperationContext& op, const std::vector<core::Grant>& grants) {
  json out = json::array();
  for (const core::Grant& g : grants) {
    json entry = {{"KeyId", ResponseKeyId(op, "Grants[].KeyId", core::KeyArn(g.scope, g.key_id))},
                  {"GrantId", g.grant_id},
                  {"CreationDate", EpochSeconds(g.creation_date)},
                  {"GranteePrincipal", g.grantee_principal},
                  {"IssuingAccount", g.issuing_account},
                  {"Operations", Names(g.operations)}};
    if (!g.name.empty()) entry["Name"] = g.name;
    if (!g.retiring_principal.empty()) entry["RetiringPrincipal"] = g.retiring_principal;
    if (g.constraints) entry["Constraints"] = GrantConstraintsJson(*g.constraints);
    out.push_back(std::move(entry));
  }
  return out;
}

void RejectRecipient(const json& body) {
  if (fields::Has(body, "Recipient")) {
    throw core::KmsError::Unsupported(
        "Rotor cannot verify Nitro Enclaves attestation documents; omit Recipient.");
  }
}

core::GenerateDataKeyPairRequest ReadDataKeyPairRequest(const json& body) {
  core::GenerateDataKeyPairRequest req;
  req.key_id = fields::String(body, "KeyId");
  req.context = fields::StringMap(body, "EncryptionContext");
  // AWS's DataKeyPairSpec values are names of asymmetric KeySpecs.
  req.key_pair_spec = fields::Enum<core::KeySpec>(body, "KeyPairSpec");
  req.dry_run = fields::Bool(body, "DryRun");
  return req;
}

core::MacRequest ReadMacRequest(OperationContext& op) {
  core::MacRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.message = core::SecretBytes(fields::Blob(op.blobs, "Message"));
  req.algorithm = fields::Enum<core::MacAlgorithm>(op.body, "MacAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  return req;
}

}  // namespace rotor::server::wire::operations
