// SigV4 Authorization header parsing (not verification): the access key id and
// the credential scope's region decide which (account, region) keyspace a
// request works in.
//
//   AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/kms/aws4_request,
//   SignedHeaders=host;x-amz-date, Signature=...
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ids.h"

namespace rotor::server::wire {

struct SigV4Credential {
  std::string access_key_id;
  std::string date;
  std::string region;
  std::string service;
  // The header's SignedHeaders and Signature values as sent (empty when the
  // parameter is absent: ParseAuthorization does not require SignedHeaders;
  // the verifier, server/wire/sigv4_verifier.h, does).
  std::string signed_headers;
  std::string signature;
};

// Nullopt for an absent header; throws KmsError(IncompleteSignatureException)
// for a header that is present but malformed.
std::optional<SigV4Credential> ParseAuthorization(std::string_view header);

// The keyspace of a request: a 12-digit access key id is the account id,
// anything else (or an unsigned request) maps to the default account; the
// credential's region, or the default region.
core::Scope ScopeFor(const std::optional<SigV4Credential>& credential,
                     const std::string& default_account, const std::string& default_region);

}  // namespace rotor::server::wire
