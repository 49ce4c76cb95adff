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

// The credential scope of a SigV4 request, as views into the header or query
// value it was read from (valid while that text is): no copy on the request
// path, in open mode (the keyspace) as in strict mode (the verifier).
struct SigV4Credential {
  std::string_view access_key_id;
  std::string_view date;  // yyyymmdd
  std::string_view region;
  std::string_view service;
};

// Nullopt for an absent header; throws KmsError(IncompleteSignatureException)
// for a header that is present but malformed.
std::optional<SigV4Credential> ParseAuthorization(std::string_view header);

// The credential scope "AKID/20261125/us-east-1/kms/aws4_request" as the
// header's Credential= or the presigned query's X-Amz-Credential carries it
// (read up to the first ',' or space). Throws
// KmsError(IncompleteSignatureException) when it is malformed.
SigV4Credential ParseCredential(std::string_view value);

// The value of the header's parameter `name` ("SignedHeaders=", "Signature=")
// as sent, up to the next ',' or space; empty when absent. `name` must follow
// a space or ',', so "XSignature=" does not match "Signature=". Only strict
// mode's verifier (server/wire/sigv4_verifier.h) reads these: open mode does
// not copy them.
std::string_view AuthorizationParameter(std::string_view header, std::string_view name);

// `rest` up to its first ',' or space (all of it when it has none): a
// parameter's value as the header carries it.
std::string_view ParameterValue(std::string_view rest);

// The keyspace of a request: a 12-digit access key id is the account id,
// anything else (or an unsigned request) maps to the default account; the
// credential's region, or the default region.
core::Scope ScopeFor(const std::optional<SigV4Credential>& credential,
                     const std::string& default_account, const std::string& default_region);

}  // namespace rotor::server::wire
