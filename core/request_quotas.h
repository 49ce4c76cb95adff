// RequestQuotas: AWS KMS's request quotas (AWS KMS Developer Guide, "Request
// quotas"; docs/quotas.md lists each rate with its source), enforced when
// rotor runs with --quotas aws.
//
// Each quota is a number of requests per second in one account and Region,
// kept as a token bucket: it holds at most max(rate, 1) requests, starts full
// and refills at `rate` per second of the request's clock reading (the
// virtual clock included, so a test decides exactly when time passes). A
// request over its quota takes nothing from the bucket and is answered
// ThrottlingException (KmsError::Throttled).
//
// Quota names: an operation's own quota is its AWS name ("CreateKey"); the
// shared ones are "CryptographicSymmetric" (cryptographic operations on
// symmetric encryption and HMAC keys, and GenerateRandom),
// "CryptographicRSA", "CryptographicECC" (on asymmetric keys), and
// "GenerateDataKeyPair:<KeyPairSpec>" ("GenerateDataKeyPair:RSA_2048"),
// shared by GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "core/clock.h"
#include "core/ids.h"
#include "core/key_metadata.h"

namespace rotor::core {

// The resource quota of customer managed keys per account and Region, which
// --quotas aws enforces with the request quotas (ServiceConfig's
// keys_per_region_limit): its name for --quota (KmsKeys=N) and AWS's default
// (AWS KMS Developer Guide, "Resource quotas").
inline constexpr std::string_view kKeyQuotaName = "KmsKeys";
inline constexpr size_t kAwsKeysPerRegion = 100000;

// What decides the quota of a cryptographic operation: the kind of key it
// uses (AWS counts symmetric encryption and HMAC keys together).
enum class QuotaKeyKind { kSymmetric, kRsa, kEcc, kOther };

// The kind of a key spec, as the shared quotas count it: symmetric encryption
// and HMAC keys are kSymmetric, RSA_* kRsa, ECC_* kEcc, others (SM2, ML-DSA)
// kOther.
QuotaKeyKind QuotaKeyKindOf(KeySpec spec);

// The quota `operation` counts against: its own quota, a shared one (by
// `key_kind` for the cryptographic operations that may use asymmetric keys,
// by `key_pair_spec` for GenerateDataKeyPair*), or "" when AWS documents none
// for it (SM2 keys of the China Regions, say).
std::string QuotaNameOf(std::string_view operation, QuotaKeyKind key_kind,
                        std::string_view key_pair_spec);

// True for the operations whose quota depends on their key's kind (Encrypt,
// Decrypt, ReEncrypt, Sign, Verify, DeriveSharedSecret): the caller looks the
// key up for them.
bool QuotaDependsOnKey(std::string_view operation);

// AWS's default rate of `quota` in `region`, requests per second; nullopt for
// a name that is not a quota.
std::optional<double> AwsQuotaRate(std::string_view quota, std::string_view region);

class RequestQuotas {
 public:
  // `overrides`: quota name -> requests per second (> 0), for every Region,
  // over AWS's defaults (--quota NAME=RATE). The caller checked the names
  // with AwsQuotaRate.
  explicit RequestQuotas(std::map<std::string, double, std::less<>> overrides = {});

  // Takes one request from `quota`'s bucket in `scope` at `now`. False when
  // the bucket is empty: the request is over the quota. A quota name with no
  // rate is never throttled.
  bool Admit(std::string_view quota, const Scope& scope, Timestamp now);

  // The rate `quota` has in `region` (an override, else AWS's), 0 for none.
  double RateOf(std::string_view quota, std::string_view region) const;
  // Requests throttled so far.
  uint64_t throttled() const { return throttled_.load(std::memory_order_relaxed); }

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp last{};
  };
  std::map<std::string, double, std::less<>> overrides_;
  std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, Bucket, std::less<>>
      buckets_;  // guarded by mu_: (account, region, quota)
  std::atomic<uint64_t> throttled_{0};
};

}  // namespace rotor::core
