#include "core/kms_error.h"

#include <array>
#include <string>

namespace rotor::core {
namespace {

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  int status;
};

// The ONE table from code to AWS name and HTTP status.
constexpr std::array kErrorTable = {
    ErrorInfo{ErrorCode::kUnknownOperation, "UnknownOperationException", 400},
    ErrorInfo{ErrorCode::kSerialization, "SerializationException", 400},
    ErrorInfo{ErrorCode::kValidation, "ValidationException", 400},
    ErrorInfo{ErrorCode::kAccessDenied, "AccessDeniedException", 400},
    ErrorInfo{ErrorCode::kRequestTooLarge, "RequestEntityTooLargeException", 413},
    ErrorInfo{ErrorCode::kIncompleteSignature, "IncompleteSignatureException", 400},
    ErrorInfo{ErrorCode::kUnrecognizedClient, "UnrecognizedClientException", 400},
    ErrorInfo{ErrorCode::kInvalidSignature, "InvalidSignatureException", 400},
    ErrorInfo{ErrorCode::kMissingAuthenticationToken, "MissingAuthenticationTokenException", 403},
    ErrorInfo{ErrorCode::kAlreadyExists, "AlreadyExistsException", 400},
    ErrorInfo{ErrorCode::kConflict, "ConflictException", 400},
    ErrorInfo{ErrorCode::kCustomKeyStoreNotFound, "CustomKeyStoreNotFoundException", 400},
    ErrorInfo{ErrorCode::kDependencyTimeout, "DependencyTimeoutException", 500},
    ErrorInfo{ErrorCode::kDisabled, "DisabledException", 400},
    ErrorInfo{ErrorCode::kDryRunOperation, "DryRunOperationException", 400},
    ErrorInfo{ErrorCode::kExpiredImportToken, "ExpiredImportTokenException", 400},
    ErrorInfo{ErrorCode::kIncorrectKey, "IncorrectKeyException", 400},
    ErrorInfo{ErrorCode::kIncorrectKeyMaterial, "IncorrectKeyMaterialException", 400},
    ErrorInfo{ErrorCode::kInvalidAliasName, "InvalidAliasNameException", 400},
    ErrorInfo{ErrorCode::kInvalidArn, "InvalidArnException", 400},
    ErrorInfo{ErrorCode::kInvalidCiphertext, "InvalidCiphertextException", 400},
    ErrorInfo{ErrorCode::kInvalidGrantId, "InvalidGrantIdException", 400},
    ErrorInfo{ErrorCode::kInvalidGrantToken, "InvalidGrantTokenException", 400},
    ErrorInfo{ErrorCode::kInvalidImportToken, "InvalidImportTokenException", 400},
    ErrorInfo{ErrorCode::kInvalidKeyUsage, "InvalidKeyUsageException", 400},
    ErrorInfo{ErrorCode::kInvalidMarker, "InvalidMarkerException", 400},
    ErrorInfo{ErrorCode::kKmsInternal, "KMSInternalException", 500},
    ErrorInfo{ErrorCode::kKmsInvalidMac, "KMSInvalidMacException", 400},
    ErrorInfo{ErrorCode::kKmsInvalidSignature, "KMSInvalidSignatureException", 400},
    ErrorInfo{ErrorCode::kKmsInvalidState, "KMSInvalidStateException", 400},
    ErrorInfo{ErrorCode::kKeyUnavailable, "KeyUnavailableException", 500},
    ErrorInfo{ErrorCode::kLimitExceeded, "LimitExceededException", 400},
    ErrorInfo{ErrorCode::kMalformedPolicyDocument, "MalformedPolicyDocumentException", 400},
    ErrorInfo{ErrorCode::kNotFound, "NotFoundException", 400},
    ErrorInfo{ErrorCode::kTag, "TagException", 400},
    ErrorInfo{ErrorCode::kUnsupportedOperation, "UnsupportedOperationException", 400},
    ErrorInfo{ErrorCode::kCloudHsmClusterInUse, "CloudHsmClusterInUseException", 400},
    ErrorInfo{ErrorCode::kCloudHsmClusterInvalidConfiguration,
              "CloudHsmClusterInvalidConfigurationException", 400},
    ErrorInfo{ErrorCode::kCloudHsmClusterNotActive, "CloudHsmClusterNotActiveException", 400},
    ErrorInfo{ErrorCode::kCloudHsmClusterNotFound, "CloudHsmClusterNotFoundException", 400},
    ErrorInfo{ErrorCode::kCloudHsmClusterNotRelated, "CloudHsmClusterNotRelatedException", 400},
    ErrorInfo{ErrorCode::kCustomKeyStoreHasCmks, "CustomKeyStoreHasCMKsException", 400},
    ErrorInfo{ErrorCode::kCustomKeyStoreInvalidState, "CustomKeyStoreInvalidStateException", 400},
    ErrorInfo{ErrorCode::kCustomKeyStoreNameInUse, "CustomKeyStoreNameInUseException", 400},
    ErrorInfo{ErrorCode::kIncorrectTrustAnchor, "IncorrectTrustAnchorException", 400},
    ErrorInfo{ErrorCode::kXksKeyAlreadyInUse, "XksKeyAlreadyInUseException", 400},
    ErrorInfo{ErrorCode::kXksKeyInvalidConfiguration, "XksKeyInvalidConfigurationException", 400},
    ErrorInfo{ErrorCode::kXksKeyNotFound, "XksKeyNotFoundException", 400},
    ErrorInfo{ErrorCode::kXksProxyIncorrectAuthenticationCredential,
              "XksProxyIncorrectAuthenticationCredentialException", 400},
    ErrorInfo{ErrorCode::kXksProxyInvalidConfiguration, "XksProxyInvalidConfigurationException",
              400},
    ErrorInfo{ErrorCode::kXksProxyInvalidResponse, "XksProxyInvalidResponseException", 400},
    ErrorInfo{ErrorCode::kXksProxyUriEndpointInUse, "XksProxyUriEndpointInUseException", 400},
    ErrorInfo{ErrorCode::kXksProxyUriInUse, "XksProxyUriInUseException", 400},
    ErrorInfo{ErrorCode::kXksProxyUriUnreachable, "XksProxyUriUnreachableException", 400},
    ErrorInfo{ErrorCode::kXksProxyVpcEndpointServiceInUse,
              "XksProxyVpcEndpointServiceInUseException", 400},
    ErrorInfo{ErrorCode::kXksProxyVpcEndpointServiceInvalidConfiguration,
              "XksProxyVpcEndpointServiceInvalidConfigurationException", 400},
    ErrorInfo{ErrorCode::kXksProxyVpcEndpointServiceNotFound,
              "XksProxyVpcEndpointServiceNotFoundException", 400},
    ErrorInfo{ErrorCode::kThrottling, "ThrottlingException", 400},
    ErrorInfo{ErrorCode::kRequestHeaderFieldsTooLarge, "RequestHeaderFieldsTooLargeException", 431},
    ErrorInfo{ErrorCode::kBadRequest, "BadRequestException", 400},
    ErrorInfo{ErrorCode::kNotImplemented, "NotImplementedException", 501},
    ErrorInfo{ErrorCode::kClock, "ClockException", 409},
    ErrorInfo{ErrorCode::kStoreUnavailable, "KMSInternalException", 500},
};

constexpr std::array<ErrorCode, kErrorTable.size()> MakeCodeList() {
  std::array<ErrorCode, kErrorTable.size()> codes{};
  for (size_t i = 0; i < kErrorTable.size(); ++i) codes[i] = kErrorTable[i].code;
  return codes;
}
constexpr auto kAllCodes = MakeCodeList();

const ErrorInfo& Lookup(ErrorCode code) {
  for (const auto& info : kErrorTable) {
    if (info.code == code) return info;
  }
  return kErrorTable[0];  // unreachable: the table test checks every code is present
}

std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out.append(p);
  return out;
}

}  // namespace

std::string_view ErrorName(ErrorCode code) { return Lookup(code).name; }
int HttpStatus(ErrorCode code) { return Lookup(code).status; }
const ErrorCode* AllErrorCodes(size_t* count) {
  *count = kAllCodes.size();
  return kAllCodes.data();
}
std::optional<ErrorCode> ErrorCodeNamed(std::string_view name) {
  for (const auto& info : kErrorTable) {
    if (info.name == name) return info.code;  // kKmsInternal comes before kStoreUnavailable
  }
  return std::nullopt;
}

KmsError KmsError::Throttled() {
  return {ErrorCode::kThrottling,
          "You have exceeded the rate at which you may call KMS. Reduce the frequency of your "
          "calls."};
}

KmsError KmsError::UnrecognizedClient() {
  return {ErrorCode::kUnrecognizedClient, "The security token included in the request is invalid."};
}
KmsError KmsError::SignatureDoesNotMatch() {
  return {ErrorCode::kInvalidSignature,
          "The request signature we calculated does not match the signature you provided. "
          "Check your AWS Secret Access Key and signing method. Consult the service "
          "documentation for details."};
}
KmsError KmsError::SignatureExpired(std::string_view request_time, std::string_view earliest,
                                    std::string_view now) {
  return {ErrorCode::kInvalidSignature,
          Concat({"Signature expired: ", request_time, " is now earlier than ", earliest, " (", now,
                  " - 5 min.)"})};
}
KmsError KmsError::SignatureNotYetCurrent(std::string_view request_time, std::string_view latest,
                                          std::string_view now) {
  return {ErrorCode::kInvalidSignature,
          Concat({"Signature not yet current: ", request_time, " is still later than ", latest,
                  " (", now, " + 5 min.)"})};
}
KmsError KmsError::MissingAuthenticationToken() {
  return {ErrorCode::kMissingAuthenticationToken, "Missing Authentication Token"};
}
KmsError KmsError::InvalidKeyId(std::string_view id) {
  return {ErrorCode::kNotFound, Concat({"Invalid keyId '", id, "'"})};
}
KmsError KmsError::KeyDoesNotExist(std::string_view key_arn) {
  return {ErrorCode::kNotFound, Concat({"Key '", key_arn, "' does not exist"})};
}
KmsError KmsError::AliasNotFound(std::string_view alias_arn) {
  return {ErrorCode::kNotFound, Concat({"Alias ", alias_arn, " is not found."})};
}
KmsError KmsError::InvalidArnRegion(std::string_view region) {
  return {ErrorCode::kNotFound, Concat({"Invalid arn ", region})};
}
KmsError KmsError::NotMultiRegionPrimary(std::string_view key_arn) {
  return {ErrorCode::kUnsupportedOperation,
          Concat({key_arn, " is not a multi-region primary key."})};
}
KmsError KmsError::Disabled(std::string_view key_arn) {
  return {ErrorCode::kDisabled, Concat({key_arn, " is disabled."})};
}
KmsError KmsError::InvalidState(std::string_view key_arn, std::string_view state_phrase) {
  return {ErrorCode::kKmsInvalidState, Concat({key_arn, " is ", state_phrase, "."})};
}
KmsError KmsError::InvalidKeyUsage(std::string_view key_arn, std::string_view usage,
                                   std::string_view operation) {
  return {ErrorCode::kInvalidKeyUsage,
          Concat({key_arn, " key usage is ", usage, " which is not valid for ", operation, "."})};
}
KmsError KmsError::IncompatibleAlgorithm(std::string_view algorithm, std::string_view key_spec) {
  return {ErrorCode::kInvalidKeyUsage,
          Concat({"Algorithm ", algorithm, " is incompatible with key spec ", key_spec, "."})};
}
KmsError KmsError::KeySpecNotValid(std::string_view key_arn, std::string_view key_spec,
                                   std::string_view operation, ErrorCode code) {
  return {code,
          Concat({key_arn, " key spec is ", key_spec, " which is not valid for ", operation, "."})};
}
KmsError KmsError::InvalidDigestLength(std::string_view algorithm) {
  return {ErrorCode::kValidation,
          Concat({"Digest is invalid length for algorithm ", algorithm, "."})};
}
KmsError KmsError::OriginNotValid(std::string_view key_arn, std::string_view origin) {
  return {ErrorCode::kUnsupportedOperation,
          Concat({key_arn, " origin is ", origin, " which is not valid for this operation."})};
}
KmsError KmsError::NotAuthorized(std::string_view account, std::string_view operation,
                                 std::string_view resource_arn) {
  return {ErrorCode::kAccessDenied,
          Concat({"User: arn:aws:iam::", account, ":root is not authorized to perform: kms:",
                  operation, " on resource: ", resource_arn,
                  " because no resource-based policy allows the kms:", operation, " action"})};
}
KmsError KmsError::DryRun() {
  return {ErrorCode::kDryRunOperation,
          "The request would have succeeded, but the DryRun option is set."};
}
KmsError KmsError::InvalidGrantToken() {
  return {ErrorCode::kInvalidGrantToken, "Invalid grant token"};
}
KmsError KmsError::InvalidGrantId(std::string_view grant_id) {
  return {ErrorCode::kInvalidGrantId, Concat({"Invalid grantId '", grant_id, "'"})};
}
KmsError KmsError::GrantNotFound(std::string_view grant_id) {
  return {ErrorCode::kNotFound, Concat({"Grant ID ", grant_id, " not found"})};
}
KmsError KmsError::GrantLimitExceeded(std::string_view key_arn) {
  return {ErrorCode::kLimitExceeded,
          Concat({"The grants limit has been reached for the given keyId. No more grants can be "
                  "created for this key: ",
                  key_arn})};
}
KmsError KmsError::KeyQuotaExceeded(size_t limit, size_t usage) {
  return {ErrorCode::kLimitExceeded,
          Concat({"Key quota for this account in this region is ", std::to_string(limit),
                  " but the current usage is ", std::to_string(usage), "."})};
}
KmsError KmsError::AliasesPerKeyExceeded(size_t limit, size_t usage) {
  return {ErrorCode::kLimitExceeded,
          Concat({"Aliases per key quota for this account in this region is ",
                  std::to_string(limit), ", current usage is ", std::to_string(usage), "."})};
}
KmsError KmsError::InvalidPrincipal(std::string_view principal) {
  return {ErrorCode::kInvalidArn, Concat({"ARN does not refer to a valid principal: ", principal})};
}
KmsError KmsError::InvalidCiphertext() { return {ErrorCode::kInvalidCiphertext, ""}; }
KmsError KmsError::IncorrectKeyMaterial() {
  return {ErrorCode::kIncorrectKeyMaterial,
          "The key material in the request is, expired, invalid, or is not the same key material "
          "that was previously imported into this KMS key."};
}
KmsError KmsError::NoMaterialPendingRotation(std::string_view key_arn) {
  return {ErrorCode::kKmsInvalidState,
          Concat({"No available key material pending rotation for the key: ", key_arn, "."})};
}
KmsError KmsError::MaterialPendingRotation(std::string_view new_material_id,
                                           std::string_view key_arn,
                                           std::string_view pending_material_id) {
  return {ErrorCode::kKmsInvalidState,
          Concat({"New key material (id: ", new_material_id, ") cannot be imported into KMS key ",
                  key_arn, ", because another key material (id: ", pending_material_id,
                  ") is pending rotation."})};
}
KmsError KmsError::MaterialNotAssociated(std::string_view material_id, std::string_view key_arn) {
  return {ErrorCode::kNotFound,
          Concat({"Key material ", material_id, " is not associated with ", key_arn, "."})};
}
KmsError KmsError::ValidationFailed(std::string_view value, std::string_view member,
                                    std::string_view constraint) {
  return {ErrorCode::kValidation, Concat({"1 validation error detected: Value '", value, "' at '",
                                          member, "' failed to satisfy constraint: ", constraint})};
}
KmsError KmsError::StoreUnavailable(StoreFault fault) {
  const char* message = "";
  switch (fault) {
    case StoreFault::kNoSpace:
      message =
          "No space left in Rotor's data dir: the write was not made. Reads keep working, and "
          "writes succeed again once space is freed.";
      break;
    case StoreFault::kFileSizeLimit:
      message =
          "Rotor's database reached the file size limit of its process (ulimit -f): the write was "
          "not made. Reads keep working.";
      break;
    case StoreFault::kReadOnly:
      message =
          "Rotor's data dir or database became read-only: the write was not made. Reads keep "
          "working.";
      break;
    case StoreFault::kCorrupt:
      message =
          "Rotor's database is corrupt: writes are stopped. Stop Rotor and recover the database as "
          "the server's log says.";
      break;
    case StoreFault::kDataDirLost:
      message =
          "Rotor's data dir was removed or replaced while it ran: the write was not made and Rotor "
          "is stopping.";
      break;
  }
  return {ErrorCode::kStoreUnavailable, message};
}

KmsError KmsError::AccessDenied(std::string_view caller_arn, std::string_view action,
                                std::string_view key_arn, DenialReason reason) {
  std::string m = "User: " + std::string(caller_arn) +
                  " is not authorized to perform: " + std::string(action) +
                  " on resource: " + std::string(key_arn);
  switch (reason) {
    case DenialReason::kNoResourcePolicyAllows:
      m += " because no resource-based policy allows the " + std::string(action) + " action";
      break;
    case DenialReason::kNoIdentityPolicyAllows:
      m += " because no identity-based policy allows the " + std::string(action) + " action";
      break;
    case DenialReason::kExplicitDenyInResource:
      m += " with an explicit deny in a resource-based policy";
      break;
    case DenialReason::kExplicitDenyInIdentity:
      m += " with an explicit deny in an identity-based policy";
      break;
  }
  return {ErrorCode::kAccessDenied, std::move(m)};
}

}  // namespace rotor::core
