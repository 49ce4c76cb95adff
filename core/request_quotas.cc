#include "core/request_quotas.h"

#include <algorithm>
#include <array>

namespace rotor::core {
namespace {

struct Rate {
  std::string_view quota;
  double per_second;
};

// AWS KMS Developer Guide, "Request quotas", table "Request quotas for each
// AWS KMS API operation" (docs/quotas.md gives the source of each row).
constexpr std::array kRates = {
    Rate{"CryptographicRSA", 500},
    Rate{"CryptographicECC", 300},
    Rate{"CancelKeyDeletion", 5},
    Rate{"CreateAlias", 5},
    Rate{"CreateGrant", 50},
    Rate{"CreateKey", 5},
    Rate{"DeleteAlias", 15},
    Rate{"DeleteImportedKeyMaterial", 5},
    Rate{"DescribeKey", 2000},
    Rate{"DisableKey", 5},
    Rate{"DisableKeyRotation", 5},
    Rate{"EnableKey", 5},
    Rate{"EnableKeyRotation", 15},
    Rate{"GenerateDataKeyPair:ECC_NIST_P256", 25},
    Rate{"GenerateDataKeyPair:ECC_NIST_P384", 10},
    Rate{"GenerateDataKeyPair:ECC_NIST_P521", 5},
    Rate{"GenerateDataKeyPair:ECC_SECG_P256K1", 25},
    Rate{"GenerateDataKeyPair:RSA_2048", 1},
    Rate{"GenerateDataKeyPair:RSA_3072", 0.5},
    Rate{"GenerateDataKeyPair:RSA_4096", 0.1},
    Rate{"GetKeyPolicy", 1000},
    Rate{"GetKeyRotationStatus", 1000},
    Rate{"GetParametersForImport", 0.25},
    Rate{"GetPublicKey", 2000},
    Rate{"ImportKeyMaterial", 5},
    Rate{"ListAliases", 500},
    Rate{"ListGrants", 100},
    Rate{"ListKeyPolicies", 100},
    Rate{"ListKeys", 500},
    Rate{"ListResourceTags", 2000},
    Rate{"ListRetirableGrants", 100},
    Rate{"PutKeyPolicy", 15},
    Rate{"ReplicateKey", 5},
    Rate{"RetireGrant", 30},
    Rate{"RevokeGrant", 30},
    Rate{"ScheduleKeyDeletion", 15},
    Rate{"TagResource", 10},
    Rate{"UntagResource", 5},
    Rate{"UpdateAlias", 5},
    Rate{"UpdateKeyDescription", 5},
    Rate{"UpdatePrimaryRegion", 5},
};

// "Cryptographic operations (symmetric) request rate": 10,000 per second,
// more in these Regions.
double SymmetricRate(std::string_view region) {
  constexpr std::array<std::string_view, 3> k50000 = {"us-east-1", "us-west-2", "eu-west-1"};
  constexpr std::array<std::string_view, 6> k20000 = {"us-east-2",      "ap-southeast-1",
                                                      "ap-southeast-2", "ap-northeast-1",
                                                      "eu-central-1",   "eu-west-2"};
  if (std::find(k50000.begin(), k50000.end(), region) != k50000.end()) return 50000;
  if (std::find(k20000.begin(), k20000.end(), region) != k20000.end()) return 20000;
  return 10000;
}

bool IsOneOf(std::string_view op, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), op) != names.end();
}

}  // namespace

QuotaKeyKind QuotaKeyKindOf(KeySpec spec) {
  switch (spec) {
    case KeySpec::kSymmetricDefault:
    case KeySpec::kHmac224:
    case KeySpec::kHmac256:
    case KeySpec::kHmac384:
    case KeySpec::kHmac512:
      return QuotaKeyKind::kSymmetric;
    case KeySpec::kRsa2048:
    case KeySpec::kRsa3072:
    case KeySpec::kRsa4096:
      return QuotaKeyKind::kRsa;
    case KeySpec::kEccNistP256:
    case KeySpec::kEccNistP384:
    case KeySpec::kEccNistP521:
    case KeySpec::kEccSecgP256k1:
    case KeySpec::kEccNistEdwards25519:
      return QuotaKeyKind::kEcc;
    default:
      return QuotaKeyKind::kOther;
  }
}

bool QuotaDependsOnKey(std::string_view operation) {
  return IsOneOf(operation,
                 {"Encrypt", "Decrypt", "ReEncrypt", "Sign", "Verify", "DeriveSharedSecret"});
}

std::string QuotaNameOf(std::string_view operation, QuotaKeyKind key_kind,
                        std::string_view key_pair_spec) {
  if (IsOneOf(operation, {"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"})) {
    return "GenerateDataKeyPair:" + std::string(key_pair_spec);
  }
  if (IsOneOf(operation, {"GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateMac",
                          "VerifyMac", "GenerateRandom"})) {
    return "CryptographicSymmetric";
  }
  if (QuotaDependsOnKey(operation)) {
    switch (key_kind) {
      case QuotaKeyKind::kSymmetric:
        return "CryptographicSymmetric";
      case QuotaKeyKind::kRsa:
        return "CryptographicRSA";
      case QuotaKeyKind::kEcc:
        return "CryptographicECC";
      case QuotaKeyKind::kOther:
        return "";
    }
  }
  return std::string(operation);
}

std::optional<double> AwsQuotaRate(std::string_view quota, std::string_view region) {
  if (quota == "CryptographicSymmetric") return SymmetricRate(region);
  for (const Rate& r : kRates) {
    if (r.quota == quota) return r.per_second;
  }
  return std::nullopt;
}

RequestQuotas::RequestQuotas(std::map<std::string, double, std::less<>> overrides)
    : overrides_(std::move(overrides)) {}

double RequestQuotas::RateOf(std::string_view quota, std::string_view region) const {
  if (auto it = overrides_.find(quota); it != overrides_.end()) return it->second;
  return AwsQuotaRate(quota, region).value_or(0);
}

bool RequestQuotas::Admit(std::string_view quota, const Scope& scope, Timestamp now) {
  double rate = RateOf(quota, scope.region);
  if (rate <= 0) return true;  // AWS documents no request quota for it
  const double capacity = std::max(rate, 1.0);
  std::lock_guard lock(mu_);
  auto key = std::make_tuple(scope.account, scope.region, std::string(quota));
  auto [it, added] = buckets_.try_emplace(std::move(key), Bucket{capacity, now});
  Bucket& b = it->second;
  if (now > b.last) {
    double seconds = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(capacity, b.tokens + seconds * rate);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  throttled_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

}  // namespace rotor::core
