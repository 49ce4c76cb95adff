#include "core/key_spec_info.h"

#include "core/hmac.h"

namespace rotor::core {

bool IsHmacSpec(KeySpec s) {
  return s == KeySpec::kHmac224 || s == KeySpec::kHmac256 || s == KeySpec::kHmac384 ||
         s == KeySpec::kHmac512;
}

bool IsAsymmetricSpec(KeySpec s) { return s != KeySpec::kSymmetricDefault && !IsHmacSpec(s); }

bool IsRsaSpec(KeySpec s) {
  return s == KeySpec::kRsa2048 || s == KeySpec::kRsa3072 || s == KeySpec::kRsa4096;
}

namespace {
bool IsNistEcc(KeySpec s) {
  return s == KeySpec::kEccNistP256 || s == KeySpec::kEccNistP384 || s == KeySpec::kEccNistP521;
}
bool IsMlDsa(KeySpec s) {
  return s == KeySpec::kMlDsa44 || s == KeySpec::kMlDsa65 || s == KeySpec::kMlDsa87;
}
}  // namespace

bool IsUsageAllowed(KeySpec s, KeyUsage u) {
  switch (u) {
    case KeyUsage::kEncryptDecrypt:
      return s == KeySpec::kSymmetricDefault || IsRsaSpec(s) || s == KeySpec::kSm2;
    case KeyUsage::kSignVerify:
      return IsRsaSpec(s) || IsNistEcc(s) || s == KeySpec::kEccSecgP256k1 ||
             s == KeySpec::kEccNistEdwards25519 || s == KeySpec::kSm2 || IsMlDsa(s);
    case KeyUsage::kGenerateVerifyMac:
      return IsHmacSpec(s);
    case KeyUsage::kKeyAgreement:
      return IsNistEcc(s) || s == KeySpec::kSm2;
  }
  return false;
}

KeyAlgorithms AlgorithmsFor(KeySpec s, KeyUsage u) {
  using EA = EncryptionAlgorithm;
  using SA = SigningAlgorithm;
  KeyAlgorithms a;
  switch (u) {
    case KeyUsage::kEncryptDecrypt:
      if (s == KeySpec::kSymmetricDefault) a.encryption = {EA::kSymmetricDefault};
      if (IsRsaSpec(s)) a.encryption = {EA::kRsaesOaepSha1, EA::kRsaesOaepSha256};
      if (s == KeySpec::kSm2) a.encryption = {EA::kSm2Pke};
      break;
    case KeyUsage::kSignVerify:
      if (IsRsaSpec(s)) {
        a.signing = {SA::kRsassaPkcs1V15Sha256, SA::kRsassaPkcs1V15Sha384,
                     SA::kRsassaPkcs1V15Sha512, SA::kRsassaPssSha256,
                     SA::kRsassaPssSha384,      SA::kRsassaPssSha512};
      }
      if (s == KeySpec::kEccNistP256 || s == KeySpec::kEccSecgP256k1)
        a.signing = {SA::kEcdsaSha256};
      if (s == KeySpec::kEccNistP384) a.signing = {SA::kEcdsaSha384};
      if (s == KeySpec::kEccNistP521) a.signing = {SA::kEcdsaSha512};
      if (s == KeySpec::kEccNistEdwards25519)
        a.signing = {SA::kEd25519Sha512, SA::kEd25519PhSha512};
      if (s == KeySpec::kSm2) a.signing = {SA::kSm2Dsa};
      if (IsMlDsa(s)) a.signing = {SA::kMlDsaShake256};
      break;
    case KeyUsage::kGenerateVerifyMac:
      if (std::optional<MacAlgorithm> mac = MacAlgorithmOf(s)) a.mac = {*mac};
      break;
    case KeyUsage::kKeyAgreement:
      a.key_agreement = {KeyAgreementAlgorithm::kEcdh};
      break;
  }
  return a;
}

}  // namespace rotor::core
