#include "core/grant.h"

#include <algorithm>

#include "core/kms_error.h"
#include "core/name_table.h"

namespace rotor::core {
namespace {

constexpr NameTable<GrantOperation, 17> kGrantOperations{{
    {GrantOperation::kDecrypt, "Decrypt"},
    {GrantOperation::kEncrypt, "Encrypt"},
    {GrantOperation::kGenerateDataKey, "GenerateDataKey"},
    {GrantOperation::kGenerateDataKeyWithoutPlaintext, "GenerateDataKeyWithoutPlaintext"},
    {GrantOperation::kReEncryptFrom, "ReEncryptFrom"},
    {GrantOperation::kReEncryptTo, "ReEncryptTo"},
    {GrantOperation::kSign, "Sign"},
    {GrantOperation::kVerify, "Verify"},
    {GrantOperation::kGetPublicKey, "GetPublicKey"},
    {GrantOperation::kCreateGrant, "CreateGrant"},
    {GrantOperation::kRetireGrant, "RetireGrant"},
    {GrantOperation::kDescribeKey, "DescribeKey"},
    {GrantOperation::kGenerateDataKeyPair, "GenerateDataKeyPair"},
    {GrantOperation::kGenerateDataKeyPairWithoutPlaintext, "GenerateDataKeyPairWithoutPlaintext"},
    {GrantOperation::kGenerateMac, "GenerateMac"},
    {GrantOperation::kVerifyMac, "VerifyMac"},
    {GrantOperation::kDeriveSharedSecret, "DeriveSharedSecret"},
}};

using Op = GrantOperation;

// Every key type allows these (Developer Guide, "Grant operations").
bool IsGrantManagement(Op op) {
  return op == Op::kCreateGrant || op == Op::kRetireGrant || op == Op::kDescribeKey;
}

// The operations that take an EncryptionContext on a symmetric encryption key.
bool TakesEncryptionContext(Op op) {
  switch (op) {
    case Op::kEncrypt:
    case Op::kDecrypt:
    case Op::kReEncryptFrom:
    case Op::kReEncryptTo:
    case Op::kGenerateDataKey:
    case Op::kGenerateDataKeyWithoutPlaintext:
    case Op::kGenerateDataKeyPair:
    case Op::kGenerateDataKeyPairWithoutPlaintext:
      return true;
    default:
      return false;
  }
}

bool IsDigits(std::string_view s, size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string OperationList(const std::vector<Op>& ops) {
  std::string out = "[";
  for (size_t i = 0; i < ops.size(); ++i) {
    if (i) out += ", ";
    out += ToString(ops[i]);
  }
  return out + "]";
}

void CheckContextLimits(const std::optional<EncryptionContext>& context) {
  if (!context) return;
  if (context->size() > kMaxConstraintPairs) {
    throw KmsError::Validation(
        "An encryption context grant constraint can include up to 8 encryption context pairs.");
  }
  for (const auto& [k, v] : *context) {
    if (v.size() > kMaxConstraintValueChars) {
      throw KmsError::Validation(
          "An encryption context value in a grant constraint cannot exceed 384 characters.");
    }
  }
}

constexpr uint8_t kTokenVersion = 0x01;
constexpr uint8_t kGrantIdTag = 0x0a;   // protobuf field 1, length-delimited
constexpr uint8_t kLocationTag = 0x12;  // protobuf field 2, length-delimited
constexpr size_t kNonceSize = 16;

}  // namespace

std::string_view ToString(GrantOperation v) { return NameOf(kGrantOperations, v); }
template <>
std::optional<GrantOperation> Parse<GrantOperation>(std::string_view t) {
  return ValueOf(kGrantOperations, t);
}

std::string IssuingAccountArn(const Scope& scope) {
  return "arn:aws:iam::" + scope.account + ":root";
}

bool IsGrantId(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool GrantOperationAllowed(KeySpec spec, KeyUsage usage, GrantOperation op) {
  if (IsGrantManagement(op)) return true;
  if (spec == KeySpec::kSymmetricDefault) {
    // Symmetric encryption keys: the data key operations too.
    return TakesEncryptionContext(op);
  }
  switch (usage) {
    case KeyUsage::kEncryptDecrypt:  // RSA and SM2 encryption keys
      return op == Op::kEncrypt || op == Op::kDecrypt || op == Op::kReEncryptFrom ||
             op == Op::kReEncryptTo || op == Op::kGetPublicKey;
    case KeyUsage::kSignVerify:
      return op == Op::kSign || op == Op::kVerify || op == Op::kGetPublicKey;
    case KeyUsage::kGenerateVerifyMac:
      return op == Op::kGenerateMac || op == Op::kVerifyMac;
    case KeyUsage::kKeyAgreement:
      return op == Op::kDeriveSharedSecret || op == Op::kGetPublicKey;
  }
  return false;
}

std::vector<GrantOperation> CheckGrantOperations(KeySpec spec, KeyUsage usage,
                                                 const std::vector<GrantOperation>& operations) {
  std::vector<Op> unique;
  for (Op op : operations) {
    if (std::find(unique.begin(), unique.end(), op) == unique.end()) unique.push_back(op);
  }
  if (unique.size() == 1 && unique[0] == Op::kCreateGrant) {
    throw KmsError::Validation("Grants must not contain only the CreateGrant operation.");
  }
  std::vector<Op> refused;
  for (Op op : unique) {
    if (!GrantOperationAllowed(spec, usage, op)) refused.push_back(op);
  }
  if (!refused.empty()) {
    throw KmsError::Validation("Grant operations " + OperationList(refused) +
                               " are not valid for a KMS key with KeySpec " +
                               std::string(ToString(spec)) + " and KeyUsage " +
                               std::string(ToString(usage)) + ".");
  }
  return unique;
}

void CheckGrantConstraints(KeySpec spec, const std::vector<GrantOperation>& operations,
                           const std::optional<GrantConstraints>& constraints) {
  if (!constraints ||
      (!constraints->encryption_context_subset && !constraints->encryption_context_equals)) {
    return;
  }
  std::vector<Op> refused;
  for (Op op : operations) {
    bool ok =
        IsGrantManagement(op) || (spec == KeySpec::kSymmetricDefault && TakesEncryptionContext(op));
    if (!ok) refused.push_back(op);
  }
  if (!refused.empty()) {
    throw KmsError::Validation(
        "Encryption context grant constraints are not supported for the grant operations " +
        OperationList(refused) + " on a KMS key with KeySpec " + std::string(ToString(spec)) + ".");
  }
  CheckContextLimits(constraints->encryption_context_subset);
  CheckContextLimits(constraints->encryption_context_equals);
}

void CheckPrincipal(std::string_view principal) {
  if (IsDigits(principal, 12)) return;  // an account
  constexpr std::string_view kService = ".amazonaws.com";
  if (principal.size() > kService.size() &&
      principal.substr(principal.size() - kService.size()) == kService &&
      principal.find(':') == std::string_view::npos) {
    return;  // an AWS service principal
  }
  // arn:<partition>:<iam|sts>::<account>:<resource>
  if (principal.substr(0, 4) == "arn:") {
    size_t p1 = principal.find(':', 4);
    if (p1 != std::string_view::npos) {
      std::string_view partition = principal.substr(4, p1 - 4);
      size_t p2 = principal.find(':', p1 + 1);
      if (p2 != std::string_view::npos && partition.substr(0, 3) == "aws") {
        std::string_view service = principal.substr(p1 + 1, p2 - p1 - 1);
        size_t p3 = principal.find(':', p2 + 1);
        if (p3 == p2 + 1 && (service == "iam" || service == "sts")) {  // empty region
          size_t p4 = principal.find(':', p3 + 1);
          if (p4 != std::string_view::npos && IsDigits(principal.substr(p3 + 1, p4 - p3 - 1), 12) &&
              p4 + 1 < principal.size()) {
            return;
          }
        }
      }
    }
  }
  throw KmsError::InvalidPrincipal(principal);
}

void CheckGrant(KeySpec spec, KeyUsage usage, Grant& grant) {
  CheckPrincipal(grant.grantee_principal);
  if (!grant.retiring_principal.empty()) CheckPrincipal(grant.retiring_principal);
  grant.operations = CheckGrantOperations(spec, usage, grant.operations);
  CheckGrantConstraints(spec, grant.operations, grant.constraints);
}

bool SameGrantParameters(const Grant& existing, const Grant& requested) {
  auto sorted = [](std::vector<Op> ops) {
    std::sort(ops.begin(), ops.end());
    return ops;
  };
  return existing.name == requested.name &&
         existing.grantee_principal == requested.grantee_principal &&
         existing.retiring_principal == requested.retiring_principal &&
         sorted(existing.operations) == sorted(requested.operations) &&
         existing.constraints == requested.constraints;
}

std::string MakeGrantToken(const Grant& grant, const Bytes& nonce) {
  std::string location = grant.scope.account + ":" + grant.scope.region + ":" + grant.key_id;
  Bytes raw;
  raw.push_back(kTokenVersion);
  raw.push_back(kGrantIdTag);
  raw.push_back(static_cast<uint8_t>(grant.grant_id.size()));
  raw.insert(raw.end(), grant.grant_id.begin(), grant.grant_id.end());
  raw.push_back(kLocationTag);
  raw.push_back(static_cast<uint8_t>(location.size() + nonce.size()));
  raw.insert(raw.end(), location.begin(), location.end());
  raw.insert(raw.end(), nonce.begin(), nonce.end());
  return Base64Encode(raw);
}

std::optional<GrantTokenParts> ParseGrantToken(std::string_view token) {
  std::optional<Bytes> raw = Base64Decode(token);
  if (!raw) return std::nullopt;
  const Bytes& b = *raw;
  // version, tag, 64, id..., tag, len, location..., nonce
  if (b.size() < 3 + 64 + 2 + kNonceSize || b[0] != kTokenVersion || b[1] != kGrantIdTag ||
      b[2] != 64 || b[67] != kLocationTag) {
    return std::nullopt;
  }
  size_t len = b[68];
  if (69 + len != b.size() || len < kNonceSize) return std::nullopt;
  GrantTokenParts parts;
  parts.grant_id.assign(b.begin() + 3, b.begin() + 67);
  if (!IsGrantId(parts.grant_id)) return std::nullopt;
  std::string location(b.begin() + 69, b.end() - kNonceSize);
  size_t c1 = location.find(':');
  size_t c2 = c1 == std::string::npos ? c1 : location.find(':', c1 + 1);
  if (c2 == std::string::npos) return std::nullopt;
  parts.scope.account = location.substr(0, c1);
  parts.scope.region = location.substr(c1 + 1, c2 - c1 - 1);
  parts.key_id = location.substr(c2 + 1);
  if (parts.scope.account.empty() || parts.scope.region.empty() ||
      (!IsKeyId(parts.key_id) && !IsMultiRegionKeyId(parts.key_id))) {
    return std::nullopt;
  }
  return parts;
}

void CheckGrantTokens(const std::vector<std::string>& tokens) {
  for (const std::string& t : tokens) {
    if (!ParseGrantToken(t)) throw KmsError::InvalidGrantToken();
  }
}

}  // namespace rotor::core
