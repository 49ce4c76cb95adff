// create_grant: grants
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json CreateGrant(OperationContext& op) {
  core::CreateGrantRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.grantee_principal = fields::String(op.body, "GranteePrincipal");
  req.retiring_principal = fields::OptString(op.body, "RetiringPrincipal");
  for (const std::string& name : fields::StringList(op.body, "Operations")) {
    std::optional<core::GrantOperation> parsed = core::Parse<core::GrantOperation>(name);
    if (!parsed) throw fields::UnknownEnumValue("Operations", name);
    req.operations.push_back(*parsed);
  }
  if (fields::Has(op.body, "Constraints")) {
    const json& c = op.body.at("Constraints");
    core::GrantConstraints constraints;
    if (fields::Has(c, "EncryptionContextSubset")) {
      constraints.encryption_context_subset = fields::StringMap(c, "EncryptionContextSubset");
    }
    if (fields::Has(c, "EncryptionContextEquals")) {
      constraints.encryption_context_equals = fields::StringMap(c, "EncryptionContextEquals");
    }
    req.constraints = std::move(constraints);
  }
  req.name = fields::OptString(op.body, "Name");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::CreateGrantResult r = op.service.CreateGrant(op.ctx, req);
  return {{"GrantToken", r.grant_token}, {"GrantId", r.grant_id}};
}

}  // namespace rotor::server::wire::operations
