// KmsError: the one error type of Rotor.
//
// Core code throws KmsError; each server surface (the KMS API, the admin API)
// catches it in one place and serialises it with the one JSON error writer
// (server/http/error_response.h) as AWS does: {"__type": Name(code),
// "message": message} with HttpStatus(code). Each AWS message format is written once, in a named
// factory below, so the wording cannot drift between operations.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rotor::core {

enum class ErrorCode {
  // Protocol-level errors (raised by the server's wire layer).
  kUnknownOperation,
  kSerialization,
  kValidation,
  kAccessDenied,
  kRequestTooLarge,
  kIncompleteSignature,
  // SigV4 verification in strict mode (server/wire/sigv4_verifier.h): AWS's
  // common errors of the JSON protocol.
  kUnrecognizedClient,          // unknown access key id or session token
  kInvalidSignature,            // signature mismatch, or request time off the wall clock
  kMissingAuthenticationToken,  // an unsigned request
  // Errors from the KMS model.
  kAlreadyExists,
  kConflict,
  kCustomKeyStoreNotFound,
  kDependencyTimeout,
  kDisabled,
  kDryRunOperation,
  kExpiredImportToken,
  kIncorrectKey,
  kIncorrectKeyMaterial,
  kInvalidAliasName,
  kInvalidArn,
  kInvalidCiphertext,
  kInvalidGrantId,
  kInvalidGrantToken,
  kInvalidImportToken,
  kInvalidKeyUsage,
  kInvalidMarker,
  kKmsInternal,
  kKmsInvalidMac,
  kKmsInvalidSignature,
  kKmsInvalidState,
  kKeyUnavailable,
  kLimitExceeded,
  kMalformedPolicyDocument,
  kNotFound,
  kTag,
  kUnsupportedOperation,
  // The model's other error shapes: custom key stores (CloudHSM and external),
  // which Rotor does not implement; fault rules may still inject them
  // (core/fault_rules.h).
  kCloudHsmClusterInUse,
  kCloudHsmClusterInvalidConfiguration,
  kCloudHsmClusterNotActive,
  kCloudHsmClusterNotFound,
  kCloudHsmClusterNotRelated,
  kCustomKeyStoreHasCmks,
  kCustomKeyStoreInvalidState,
  kCustomKeyStoreNameInUse,
  kIncorrectTrustAnchor,
  kXksKeyAlreadyInUse,
  kXksKeyInvalidConfiguration,
  kXksKeyNotFound,
  kXksProxyIncorrectAuthenticationCredential,
  kXksProxyInvalidConfiguration,
  kXksProxyInvalidResponse,
  kXksProxyUriEndpointInUse,
  kXksProxyUriInUse,
  kXksProxyUriUnreachable,
  kXksProxyVpcEndpointServiceInUse,
  kXksProxyVpcEndpointServiceInvalidConfiguration,
  kXksProxyVpcEndpointServiceNotFound,
  // AWS's common error for a request over a request quota (not in the KMS
  // model; AWS KMS Developer Guide, "Throttling AWS KMS requests").
  kThrottling,
  // Rotor's own surfaces (the HTTP session's limits, the admin API).
  kRequestHeaderFieldsTooLarge,
  kBadRequest,      // a request whose HTTP framing is malformed (RFC 9112)
  kNotImplemented,  // a transfer coding Rotor does not implement (RFC 9112 section 6.1)
  kClock,           // POST /_rotor/clock on the system clock
  // Rotor's store cannot serve the call (KeyRepository implementations throw
  // it): AWS's name for a service fault, KMSInternalException with status 500,
  // but with a message that names the cause, since here the cause is on the
  // user's machine (a full disk, a removed data dir) and theirs to fix.
  kStoreUnavailable,
};

// Why a store could not serve a call; each has one message
// (KmsError::StoreUnavailable).
enum class StoreFault {
  kNoSpace,        // ENOSPC/EDQUOT (SQLITE_FULL): passes once space is freed
  kFileSizeLimit,  // EFBIG: the process's file size limit (RLIMIT_FSIZE)
  kReadOnly,       // the database or the data dir became read-only
  kCorrupt,        // SQLITE_CORRUPT/SQLITE_NOTADB: writes are stopped for good
  kDataDirLost,    // the data dir was removed or replaced: the server stops
};

// Why a request was denied, as AWS's AccessDeniedException messages say it
// (IAM User Guide, "Access denied error messages"; KmsError::AccessDenied).
enum class DenialReason {
  kNoResourcePolicyAllows,  // implicit deny: no key policy statement (nor grant) allows it
  kNoIdentityPolicyAllows,  // the key policy delegates to IAM, the identity policy does not allow
  kExplicitDenyInResource,  // a Deny statement of the key policy
  kExplicitDenyInIdentity,  // a Deny statement of the identity policy
};

// The AWS error name ("__type") for a code, e.g. "NotFoundException". Every
// code has its own name except kStoreUnavailable (KMSInternalException).
std::string_view ErrorName(ErrorCode code);
// The HTTP status AWS uses for a code (400 for client errors, 500 for faults).
int HttpStatus(ErrorCode code);
// Every code, for tests that walk the table.
const ErrorCode* AllErrorCodes(size_t* count);
// The code whose AWS name is `name` exactly ("ThrottlingException"), or
// nullopt. KMSInternalException is kKmsInternal.
std::optional<ErrorCode> ErrorCodeNamed(std::string_view name);

class KmsError : public std::runtime_error {
 public:
  KmsError(ErrorCode code, std::string message)
      : std::runtime_error(message),
        code_(code),
        message_(std::move(message)),
        client_facing_(code != ErrorCode::kKmsInternal) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string_view name() const { return ErrorName(code_); }
  // Whether a client reads this error as it is (server/http/error_response.h).
  // Every error is, except a KMSInternalException, which reports an internal
  // failure whose text stays in the log, unless it was made by ForClient.
  bool client_facing() const { return client_facing_; }

  // An error meant for the client whatever its code, answered with this name
  // and message: an injected fault's KMSInternalException (core/fault_rules.h).
  static KmsError ForClient(ErrorCode code, std::string message) {
    KmsError e(code, std::move(message));
    e.client_facing_ = true;
    return e;
  }

  // --- Named factories, one per AWS message format. ---
  // "Invalid keyId '<id>'"
  static KmsError InvalidKeyId(std::string_view id);
  // "Key '<arn>' does not exist"
  static KmsError KeyDoesNotExist(std::string_view key_arn);
  // "Alias <alias-arn> is not found."
  static KmsError AliasNotFound(std::string_view alias_arn);
  // "Invalid arn <region>" (a key ARN naming another region)
  static KmsError InvalidArnRegion(std::string_view region);
  // "<arn> is disabled."
  static KmsError Disabled(std::string_view key_arn);
  // "<arn> is pending deletion." / "<arn> is pending import." / "<arn> is unavailable."
  static KmsError InvalidState(std::string_view key_arn, std::string_view state_phrase);
  // "<arn> key usage is <usage> which is not valid for <operation>."
  static KmsError InvalidKeyUsage(std::string_view key_arn, std::string_view usage,
                                  std::string_view operation);
  // "Algorithm <alg> is incompatible with key spec <spec>." (InvalidKeyUsageException)
  static KmsError IncompatibleAlgorithm(std::string_view algorithm, std::string_view key_spec);
  // "<arn> key spec is <spec> which is not valid for <operation>." (InvalidKeyUsageException)
  // `code` is InvalidKeyUsageException unless the operation refuses the spec
  // as unsupported (GetPublicKey: UnsupportedOperationException).
  static KmsError KeySpecNotValid(std::string_view key_arn, std::string_view key_spec,
                                  std::string_view operation,
                                  ErrorCode code = ErrorCode::kInvalidKeyUsage);
  // "Digest is invalid length for algorithm <alg>." (ValidationException)
  static KmsError InvalidDigestLength(std::string_view algorithm);
  // "<arn> origin is <origin> which is not valid for this operation."
  // (UnsupportedOperationException)
  static KmsError OriginNotValid(std::string_view key_arn, std::string_view origin);
  // "<arn> is not a multi-region primary key." (UnsupportedOperationException,
  // recorded from AWS): rotation settings and ReplicateKey on a replica key,
  // and Rotor's answer for the same operations on a single-Region key.
  static KmsError NotMultiRegionPrimary(std::string_view key_arn);
  // "User: arn:aws:iam::<account>:root is not authorized to perform: kms:<operation> on
  // resource: <arn> because no resource-based policy allows the kms:<operation> action"
  // (AccessDeniedException, 400): AWS's answer when no key policy statement allows
  // the action, as for managing an AWS managed key. Rotor has no IAM identities, so
  // the caller is the account's root.
  static KmsError NotAuthorized(std::string_view account, std::string_view operation,
                                std::string_view resource_arn);
  // "The request would have succeeded, but the DryRun option is set."
  static KmsError DryRun();
  // --- SigV4 (AWS's common errors; sources in docs/access-control.md). ---
  // UnrecognizedClientException: "The security token included in the request is invalid."
  static KmsError UnrecognizedClient();
  // InvalidSignatureException: "The request signature we calculated does not match the
  // signature you provided. Check your AWS Secret Access Key and signing method. Consult
  // the service documentation for details."
  static KmsError SignatureDoesNotMatch();
  // InvalidSignatureException: "Signature expired: <request> is now earlier than
  // <earliest> (<now> - 5 min.)"; times in ISO 8601 basic form (20261201T063000Z).
  static KmsError SignatureExpired(std::string_view request_time, std::string_view earliest,
                                   std::string_view now);
  // InvalidSignatureException: "Signature not yet current: <request> is still later than
  // <latest> (<now> + 5 min.)"
  static KmsError SignatureNotYetCurrent(std::string_view request_time, std::string_view latest,
                                         std::string_view now);
  // MissingAuthenticationTokenException: "Missing Authentication Token" (HTTP 403).
  static KmsError MissingAuthenticationToken();
  // IncompleteSignatureException with `message` (the SigV4 parser's texts).
  static KmsError IncompleteSignature(std::string message) {
    return {ErrorCode::kIncompleteSignature, std::move(message)};
  }
  // ThrottlingException (400): "You have exceeded the rate at which you may
  // call KMS. Reduce the frequency of your calls." (AWS KMS Developer Guide,
  // "Throttling AWS KMS requests").
  static KmsError Throttled();
  // AWS sends InvalidCiphertextException with an empty message.
  static KmsError InvalidCiphertext();
  // "The key material in the request is, expired, invalid, or is not the same
  // key material that was previously imported into this KMS key."
  // (IncorrectKeyMaterialException; AWS's wording, comma included)
  static KmsError IncorrectKeyMaterial();
  // "No available key material pending rotation for the key: <arn>."
  // (KMSInvalidStateException)
  static KmsError NoMaterialPendingRotation(std::string_view key_arn);
  // "New key material (id: <id>) cannot be imported into KMS key <key-arn>, because
  // another key material (id: <pending-id>) is pending rotation." (KMSInvalidStateException)
  static KmsError MaterialPendingRotation(std::string_view new_material_id,
                                          std::string_view key_arn,
                                          std::string_view pending_material_id);
  // "Key material <id> is not associated with <arn>." (NotFoundException)
  static KmsError MaterialNotAssociated(std::string_view material_id, std::string_view key_arn);
  // Grants (core/grant.h). AWS's texts for these were not found on record
  // except InvalidPrincipal's; docs/aws-kms-behaviour.md ("Grants") lists them.
  // "Invalid grant token" (InvalidGrantTokenException): a GrantToken that is
  // not a grant token.
  static KmsError InvalidGrantToken();
  // "Invalid grantId '<id>'" (InvalidGrantIdException): not 64 hex digits.
  static KmsError InvalidGrantId(std::string_view grant_id);
  // "Grant ID <id> not found" (NotFoundException): no such grant on the key.
  static KmsError GrantNotFound(std::string_view grant_id);
  // "The grants limit has been reached for the given keyId. No more grants can
  // be created for this key: <key-arn>" (LimitExceededException).
  static KmsError GrantLimitExceeded(std::string_view key_arn);
  // "Key quota for this account in this region is <limit> but the current
  // usage is <usage>." (LimitExceededException; AWS's answer to CreateKey,
  // quoted in convox/rack#347)
  static KmsError KeyQuotaExceeded(size_t limit, size_t usage);
  // "Aliases per key quota for this account in this region is <limit>,
  // current usage is <usage>." (LimitExceededException; AWS's answer to
  // CreateAlias, quoted in scylladb/scylla-cluster-tests#7611)
  static KmsError AliasesPerKeyExceeded(size_t limit, size_t usage);
  // "ARN does not refer to a valid principal: <principal>" (InvalidArnException,
  // recorded from AWS for CreateGrant).
  static KmsError InvalidPrincipal(std::string_view principal);
  // AccessDeniedException, AWS's wording (IAM User Guide, "Access denied error messages"):
  // "User: <caller-arn> is not authorized to perform: <action> on resource: <key-arn>"
  // then " because no resource-based policy allows the <action> action",
  // " because no identity-based policy allows the <action> action",
  // " with an explicit deny in a resource-based policy" or
  // " with an explicit deny in an identity-based policy". <action>: "kms:Decrypt".
  static KmsError AccessDenied(std::string_view caller_arn, std::string_view action,
                               std::string_view key_arn, DenialReason reason);
  // "1 validation error detected: Value '<v>' at '<member>' failed to satisfy constraint: <c>"
  static KmsError ValidationFailed(std::string_view value, std::string_view member,
                                   std::string_view constraint);
  static KmsError Validation(std::string message) {
    return {ErrorCode::kValidation, std::move(message)};
  }
  static KmsError Unsupported(std::string message = {}) {
    return {ErrorCode::kUnsupportedOperation, std::move(message)};
  }
  static KmsError Internal(std::string message) {
    return {ErrorCode::kKmsInternal, std::move(message)};
  }
  // KMSInternalException (500) naming what went wrong with Rotor's data dir,
  // e.g. "No space left in Rotor's data dir: the write was not made. Reads keep
  // working, and writes succeed again once space is freed." (Rotor's own words:
  // no SQLite message reaches a client).
  static KmsError StoreUnavailable(StoreFault fault);

 private:
  ErrorCode code_;
  std::string message_;
  bool client_facing_;
};

}  // namespace rotor::core
