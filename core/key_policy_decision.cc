#include "core/key_policy_decision.h"

namespace rotor::core {

namespace {

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Operations whose requests carry an encryption context: where grant
// constraints apply (Developer Guide, "Grant constraints").
bool TakesEncryptionContext(GrantOperation op) {
  switch (op) {
    case GrantOperation::kDecrypt:
    case GrantOperation::kEncrypt:
    case GrantOperation::kGenerateDataKey:
    case GrantOperation::kGenerateDataKeyWithoutPlaintext:
    case GrantOperation::kReEncryptFrom:
    case GrantOperation::kReEncryptTo:
    case GrantOperation::kGenerateDataKeyPair:
    case GrantOperation::kGenerateDataKeyPairWithoutPlaintext:
      return true;
    default:
      return false;
  }
}

}  // namespace

AccessCaller AccountRootCaller(std::string_view account, std::string& storage) {
  storage = "arn:aws:iam::" + std::string(account) + ":root";
  AccessCaller c;
  c.arn = storage;
  c.principal_arn = storage;
  c.account = account;
  c.type = "Account";
  c.user_id = account;
  return c;
}

AccessCaller PrincipalCaller(const Principal& p) {
  AccessCaller c;
  c.arn = p.arn;
  c.principal_arn = p.principal_arn;
  c.account = p.account;
  switch (p.type) {
    case PrincipalType::kRoot:
      c.type = "Account";
      break;
    case PrincipalType::kIamUser:
      c.type = "User";
      c.user_name = p.name;
      break;
    case PrincipalType::kRole:
    case PrincipalType::kAssumedRole:
      c.type = "AssumedRole";
      break;
  }
  c.user_id = p.principal_id;
  c.identity_policy = p.compiled_identity_policy.get();
  return c;
}

AccessCaller RequestCaller(const RequestContext& ctx, std::string& storage) {
  if (ctx.principal != nullptr) return PrincipalCaller(*ctx.principal);
  return AccountRootCaller(ctx.scope.account, storage);
}

bool GranteeMatches(std::string_view grantee, const PolicyRequest& r) {
  if (grantee.empty()) return false;
  if (!r.service.empty()) return grantee == r.service;
  if (grantee == r.caller_arn || grantee == r.principal_arn) return true;
  if (IsAccountId(grantee)) return grantee == r.principal_account;
  constexpr std::string_view kIam = "arn:aws:iam::";
  if (grantee.starts_with(kIam) && grantee.ends_with(":root") &&
      grantee.size() == kIam.size() + 12 + 5) {
    return grantee.substr(kIam.size(), 12) == r.principal_account;
  }
  return false;
}

bool GrantAllows(const Grant& grant, const PolicyRequest& r, GrantOperation op) {
  if (!GranteeMatches(grant.grantee_principal, r)) return false;
  bool has_op = false;
  for (GrantOperation g : grant.operations) {
    if (g == op) {
      has_op = true;
      break;
    }
  }
  if (!has_op) return false;
  if (!grant.constraints || !TakesEncryptionContext(op)) return true;
  static const EncryptionContext kEmpty;
  const EncryptionContext& ec = r.encryption_context ? *r.encryption_context : kEmpty;
  // Every pair of `wanted` is in the request: the key without regard to case,
  // the value exactly (API Reference, GrantConstraints).
  auto contains = [&ec](const EncryptionContext& wanted) {
    for (const auto& [k, v] : wanted) {
      bool found = false;
      for (const auto& [rk, rv] : ec) {
        if (rv == v && EqualsIgnoreCase(rk, k)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  };
  if (const auto& equals = grant.constraints->encryption_context_equals) {
    if (equals->size() != ec.size() || !contains(*equals)) return false;
  }
  if (const auto& subset = grant.constraints->encryption_context_subset) {
    if (!contains(*subset)) return false;
  }
  return true;
}

std::optional<GrantOperation> GrantOperationOfAction(std::string_view action) {
  constexpr std::string_view kPrefix = "kms:";
  if (!action.starts_with(kPrefix)) return std::nullopt;
  return Parse<GrantOperation>(action.substr(kPrefix.size()));
}

AccessDecision DecideAccess(const AccessCheck& check) {
  AccessDecision d;
  const PolicyRequest& r = check.request;
  PolicyVerdict key = EvaluatePolicy(*check.key_policy, r);
  if (key.explicit_deny) {
    d.outcome = AccessOutcome::kExplicitDenyInResource;
    return d;
  }
  PolicyVerdict identity;
  if (check.identity_policy != nullptr) {
    identity = EvaluatePolicy(*check.identity_policy, r);
  } else {
    identity.allow_direct = true;  // no identity policy given: full IAM permissions
  }
  if (identity.explicit_deny) {
    d.outcome = AccessOutcome::kExplicitDenyInIdentity;
    return d;
  }
  bool same_account = r.principal_account == check.key_account;
  bool identity_allows = identity.allow_direct || identity.allow_account;
  if (key.allow_direct && same_account) {
    d.outcome = AccessOutcome::kAllowed;
    d.allowed_by = AllowedBy::kKeyPolicy;
    return d;
  }
  if ((key.allow_direct || key.allow_account) && identity_allows) {
    d.outcome = AccessOutcome::kAllowed;
    d.allowed_by = AllowedBy::kKeyPolicyAndIdentity;
    return d;
  }
  if (check.grant_operation) {
    for (const Grant& g : check.grants) {
      if (GrantAllows(g, r, *check.grant_operation)) {
        d.outcome = AccessOutcome::kAllowed;
        d.allowed_by = AllowedBy::kGrant;
        d.grant = &g;
        return d;
      }
    }
  }
  if (check.retiring_grant != nullptr &&
      GranteeMatches(check.retiring_grant->retiring_principal, r)) {
    d.outcome = AccessOutcome::kAllowed;
    d.allowed_by = AllowedBy::kRetiringPrincipal;
    d.grant = check.retiring_grant;
    return d;
  }
  d.outcome = (key.allow_direct || key.allow_account) ? AccessOutcome::kNoIdentityPolicyAllows
                                                      : AccessOutcome::kNoResourcePolicyAllows;
  return d;
}

KmsError AccessDeniedFor(AccessOutcome outcome, std::string_view caller_arn,
                         std::string_view action, std::string_view key_arn) {
  DenialReason reason = DenialReason::kNoResourcePolicyAllows;
  switch (outcome) {
    case AccessOutcome::kExplicitDenyInResource:
      reason = DenialReason::kExplicitDenyInResource;
      break;
    case AccessOutcome::kExplicitDenyInIdentity:
      reason = DenialReason::kExplicitDenyInIdentity;
      break;
    case AccessOutcome::kNoIdentityPolicyAllows:
      reason = DenialReason::kNoIdentityPolicyAllows;
      break;
    case AccessOutcome::kNoResourcePolicyAllows:
    case AccessOutcome::kAllowed:
      break;
  }
  return KmsError::AccessDenied(caller_arn, action, key_arn, reason);
}

void ConditionKeys::Add(std::string_view key, std::string_view value) {
  if (value.empty() || size_ == kCapacity) return;
  singles_[size_] = value;
  entries_[size_] = ConditionEntry{key, std::span<const std::string_view>(&singles_[size_], 1)};
  ++size_;
}

void ConditionKeys::AddMany(std::string_view key, std::span<const std::string_view> values) {
  if (size_ == kCapacity) return;
  entries_[size_++] = ConditionEntry{key, values};
}

void ConditionKeys::AddCaller(const AccessCaller& caller) {
  Add("aws:PrincipalArn", caller.principal_arn);
  Add("aws:PrincipalAccount", caller.account);
  Add("aws:PrincipalType", caller.type);
  Add("aws:userid", caller.user_id);
  Add("aws:username", caller.user_name);
  Add("kms:CallerAccount", caller.account);
}

void RequireLockoutSafe(const CompiledPolicy& policy, const AccessCaller& caller,
                        std::string_view key_arn, std::string_view key_account) {
  ConditionKeys keys;
  keys.AddCaller(caller);
  AccessCheck check;
  check.key_policy = &policy;
  check.identity_policy = caller.identity_policy;
  check.key_account = key_account;
  check.request.action = "kms:PutKeyPolicy";
  check.request.resource = key_arn;
  check.request.caller_arn = caller.arn;
  check.request.principal_arn = caller.principal_arn;
  check.request.principal_account = caller.account;
  check.request.conditions = keys.entries();
  if (!DecideAccess(check).allowed()) {
    throw KmsError(ErrorCode::kMalformedPolicyDocument,
                   "The new key policy will not allow you to update the key policy in the future.");
  }
}

void RequireLockoutSafe(const CompiledPolicy& policy, const RequestContext& ctx,
                        std::string_view key_arn, std::string_view key_account) {
  std::string storage;
  RequireLockoutSafe(policy, RequestCaller(ctx, storage), key_arn, key_account);
}

}  // namespace rotor::core
