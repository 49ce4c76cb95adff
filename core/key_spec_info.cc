#include "core/key_spec_info.h"

namespace rotor::core {

bool IsHmacSpec(KeySpec s) {
  return s == KeySpec::kHmac224 || s == KeySpec::kHmac256 || s == KeySpec::kHmac384 ||
         s == KeySpec::kHmac512;
}

bool IsAsymmetricSpec(KeySpec s) { return s != KeySpec::kSymmetricDefault && !IsHmacSpec(s); }

namespace {
bool IsRsa(KeySpec s) {
  return s == KeySpec::kRsa2048 || s == KeySpec::kRsa3072 || s == KeySpec::kRsa4096;
}
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
      return s == KeySpec::kSymmetricDefault || IsRsa(s) || s == KeySpec::kSm2;
    case KeyUsage::kSignVerify:
      return IsRsa(s) || IsNistEcc(s) || s == KeySpec::kEccSecgP256k1 ||
             s == KeySpec::kEccNistEdwards25519 || s == KeySpec::kSm2 || IsMlDsa(s);
    case KeyUsage::kGenerateVerifyMac:
      return IsHmacSpec(s);
    case KeyUsage::kKeyAgreement:
      return IsNistEcc(s) || s == KeySpec::kSm2;
  }
  return false;
}

KeyAlgorithms AlgorithmsFor(KeySpec s, KeyUsage u) {
  KeyAlgorithms a;
  switch (u) {
    case KeyUsage::kEncryptDecrypt:
      if (s == KeySpec::kSymmetricDefault) a.encryption = {"SYMMETRIC_DEFAULT"};
      if (IsRsa(s)) a.encryption = {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"};
      if (s == KeySpec::kSm2) a.encryption = {"SM2PKE"};
      break;
    case KeyUsage::kSignVerify:
      if (IsRsa(s)) {
        a.signing = {"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384",
                     "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256",
                     "RSASSA_PSS_SHA_384",        "RSASSA_PSS_SHA_512"};
      }
      if (s == KeySpec::kEccNistP256 || s == KeySpec::kEccSecgP256k1) a.signing = {"ECDSA_SHA_256"};
      if (s == KeySpec::kEccNistP384) a.signing = {"ECDSA_SHA_384"};
      if (s == KeySpec::kEccNistP521) a.signing = {"ECDSA_SHA_512"};
      if (s == KeySpec::kEccNistEdwards25519) a.signing = {"ED25519_SHA_512", "ED25519_PH_SHA_512"};
      if (s == KeySpec::kSm2) a.signing = {"SM2DSA"};
      if (IsMlDsa(s)) a.signing = {"ML_DSA_SHAKE_256"};
      break;
    case KeyUsage::kGenerateVerifyMac:
      if (s == KeySpec::kHmac224) a.mac = {"HMAC_SHA_224"};
      if (s == KeySpec::kHmac256) a.mac = {"HMAC_SHA_256"};
      if (s == KeySpec::kHmac384) a.mac = {"HMAC_SHA_384"};
      if (s == KeySpec::kHmac512) a.mac = {"HMAC_SHA_512"};
      break;
    case KeyUsage::kKeyAgreement:
      a.key_agreement = {"ECDH"};
      break;
  }
  return a;
}

}  // namespace rotor::core
