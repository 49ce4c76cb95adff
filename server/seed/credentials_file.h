// The credentials file of strict mode (--credentials-file, docs/access-control.md):
// the access keys Rotor accepts and the principal each signs as, in YAML or JSON.
//
//   credentials:
//     - access_key_id: AKIAAPPEXAMPLE000001
//       secret_access_key: app-secret
//       principal: arn:aws:iam::111122223333:role/app        # IAM user, role, root,
//       session_token: token-text   # optional                 or assumed-role session
//       account: "111122223333"     # optional; must match the principal's account
//       principal_id: AROAEXAMPLE   # optional; derived from the ARN when absent
//       identity_policy: {...}      # optional IAM policy (a mapping, or JSON text)
#pragma once

#include <string>
#include <vector>

#include "server/wire/sigv4_verifier.h"

namespace rotor::server::seed {

// Reads the file at `path` (JSON when it ends in .json, else YAML). Throws
// core::SeedError "<path>: <entry>: <problem>" for an unreadable file, an
// unknown field, a missing access key id, secret or principal, a principal
// ARN that is none of the IAM forms (core/principal.h), an account that is
// not the principal's, an identity policy that is not a JSON object, or an
// access key id listed twice.
std::vector<wire::AccessKey> ReadCredentialsFile(const std::string& path);
std::vector<wire::AccessKey> ParseCredentialsText(const std::string& text, bool yaml,
                                                  const std::string& name);

}  // namespace rotor::server::seed
