// Principal: the verified caller of a request (AWS's "principal": who signed it).
//
// In strict mode (--auth strict) the server verifies each request's SigV4
// signature against the access keys it knows (the credentials file, or the
// built-in test pairs) and hands the access key's principal to core in
// RequestContext::principal; in open mode there is no verified caller and that
// pointer is null. A Principal is made once at start and never changes, so a
// `const Principal*` stays valid for the whole life of the server.
//
// The fields are what AWS's policy evaluation and CloudTrail's userIdentity
// read (IAM User Guide, "AWS global condition context keys"; CloudTrail User
// Guide, "CloudTrail userIdentity element"):
//   type          CloudTrail's userIdentity.type: Root, IAMUser, Role, AssumedRole
//   account       12 digits: the principal's account (aws:PrincipalAccount)
//   arn           the ARN the caller signs as (userIdentity.arn), one of
//                   arn:aws:iam::<account>:root
//                   arn:aws:iam::<account>:user/<path/>name
//                   arn:aws:iam::<account>:role/<path/>name
//                   arn:aws:sts::<account>:assumed-role/<role-name>/<session-name>
//   principal_arn aws:PrincipalArn: the role's IAM ARN for an assumed-role
//                 session (arn:aws:iam::<account>:role/<role-name>), else `arn`
//   principal_id  userIdentity.principalId / aws:userid: the account id for
//                 Root, "AIDA..." for a user, "AROA..." for a role,
//                 "AROA...:<session-name>" for a session
//   name          aws:username for an IAM user, the role name for Role and
//                 AssumedRole, empty for Root
//   access_key_id the access key id the request was signed with
//   has_session_token  the access key is temporary: requests carry its
//                 X-Amz-Security-Token (always true for AssumedRole keys given one)
//   identity_policy    the principal's IAM identity policy as raw JSON text, or
//                 nullopt: none given, which policy evaluation treats as full
//                 IAM permissions in the principal's own account
//   compiled_identity_policy  that policy compiled once when the credentials
//                 are read (core/key_policy_document.h); null when none
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rotor::core {

class CompiledPolicy;

enum class PrincipalType { kRoot, kIamUser, kRole, kAssumedRole };

// CloudTrail's spelling: "Root", "IAMUser", "Role", "AssumedRole".
std::string_view ToString(PrincipalType type);

struct Principal {
  PrincipalType type = PrincipalType::kIamUser;
  std::string account;
  std::string arn;
  std::string principal_arn;
  std::string principal_id;
  std::string name;
  std::string access_key_id;
  bool has_session_token = false;
  std::optional<std::string> identity_policy;
  std::shared_ptr<const CompiledPolicy> compiled_identity_policy;
};

// A Principal for `arn` (one of the four forms above, partition "aws"):
// type, account, principal_arn, name and a principal_id derived from the ARN
// (stable: the same ARN always gets the same id; `AIDA`/`AROA` + 17 characters
// of [A-Z2-7] from SHA-256 of the ARN). Nullopt when `arn` is none of the forms
// (an account id that is not 12 digits, an empty name, another service).
// access_key_id, has_session_token and identity_policy are left for the caller.
std::optional<Principal> PrincipalFromArn(std::string_view arn);

}  // namespace rotor::core
