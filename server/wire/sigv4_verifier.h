// SigV4Verifier: strict mode's check of each request's AWS Signature Version 4
// (AWS General Reference / IAM User Guide, "Signature Version 4 signing
// process": create a canonical request, create a string to sign, derive the
// signing key, calculate the signature), in both of its forms: the
// Authorization header and the presigned query string (X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
// X-Amz-Signature, X-Amz-Security-Token).
//
// The verifier holds the access keys it knows (the credentials file, or the
// built-in test pairs) and, for each (access key, date, region, service), the
// derived signing key once computed: one HMAC-SHA256 over the string to sign
// per request after the first of a day. Its errors are AWS's for the JSON
// protocol (core/kms_error.h; the texts and their sources: docs/access-control.md):
//   no Authorization header and no X-Amz-Signature  MissingAuthenticationTokenException (403)
//   a malformed header or query, a signed header the request lacks, host unsigned,
//   no X-Amz-Date/Date                              IncompleteSignatureException
//   an unknown access key id, a wrong or missing session token
//                                                   UnrecognizedClientException
//   request time more than 5 minutes from the wall clock, a presigned request past
//   X-Amz-Expires, the credential's date not the request's, the signature differs
//                                                   InvalidSignatureException
//
// Thread safety: Verify may be called concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/principal.h"
#include "server/http/http_types.h"

namespace rotor::server::wire {

// One access key the verifier accepts.
struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: a long-term key (requests must carry none)
  core::Principal principal;  // who signs with it; its access_key_id/has_session_token are set here
};

// What a verified request carries on: the caller and the credential scope's
// region (the keyspace's region, as in open mode).
struct VerifiedCaller {
  const core::Principal* principal = nullptr;  // owned by the verifier
  std::string region;
};

// The built-in pairs strict mode accepts without a credentials file: `test`/`test`
// (the README's) and `testing`/`testing` (moto's documented dummies), each an IAM
// user (arn:aws:iam::<account>:user/test, .../user/testing) of `account`.
std::vector<AccessKey> BuiltInAccessKeys(const std::string& account);

class SigV4Verifier {
 public:
  // Throws std::invalid_argument when two keys share an access key id.
  explicit SigV4Verifier(std::vector<AccessKey> keys);

  // Verifies `req` at `wall_now` (the wall clock, never the virtual one).
  // Returns the caller, or throws core::KmsError as listed above.
  VerifiedCaller Verify(const http::HttpRequest& req, core::Timestamp wall_now) const;

  size_t size() const { return keys_.size(); }

 private:
  using SigningKey = std::array<uint8_t, 32>;
  // `scope_id`: "<access key id>\n<date>/<region>/<service>/aws4_request".
  std::optional<SigningKey> CachedSigningKey(const std::string& scope_id) const;
  void Remember(std::string scope_id, const SigningKey& signing_key) const;

  // Looked up by views of the request's text (no copy).
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, AccessKey, TextHash, std::equal_to<>> keys_;  // by access key id
  mutable std::shared_mutex cache_mutex_;
  mutable std::unordered_map<std::string, SigningKey> signing_keys_;  // by scope_id; bounded
};

// --- The steps of the signing process, exposed for the unit tests' AWS
// vectors (tests/server/sigv4_verifier_test.cc). ---

// What the signer signed, read from the Authorization header or the query.
struct SignedRequestParts {
  std::string method;                       // "POST"
  std::string path;                         // "/" (as sent, before '?')
  std::string query;                        // as sent after '?', without X-Amz-Signature
  std::vector<std::string> signed_headers;  // lowercase names, in SignedHeaders' order
  std::string payload_hash;                 // 64 hex, or UNSIGNED-PAYLOAD
};
// The canonical request (lines joined by '\n'): method, canonical URI,
// canonical query string, canonical headers (name:value, values of repeated
// headers joined by ',' with whitespace trimmed and runs of spaces folded),
// signed headers, payload hash. Throws IncompleteSignatureException for a
// signed header the request lacks.
std::string CanonicalRequest(const SignedRequestParts& parts, const http::HttpRequest& req);
// "AWS4-HMAC-SHA256\n<amz-date>\n<date>/<region>/<service>/aws4_request\n<hex sha256(canonical)>"
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// hex(HMAC(signing key(secret, date, region, service), string_to_sign)).
std::string Signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign);
// Lowercase hex of SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace rotor::server::wire
