#include "core/asymmetric_key.h"

#include <array>
#include <string>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/opensslv.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/key_spec_info.h"
#include "core/kms_error.h"

namespace rotor::core {
namespace {

using SA = SigningAlgorithm;
using SK = SigningScheme::Kind;
constexpr std::array kSigningSchemes = {
    SigningScheme{SA::kRsassaPssSha256, SK::kRsaPss, "SHA256", 32},
    SigningScheme{SA::kRsassaPssSha384, SK::kRsaPss, "SHA384", 48},
    SigningScheme{SA::kRsassaPssSha512, SK::kRsaPss, "SHA512", 64},
    SigningScheme{SA::kRsassaPkcs1V15Sha256, SK::kRsaPkcs1, "SHA256", 32},
    SigningScheme{SA::kRsassaPkcs1V15Sha384, SK::kRsaPkcs1, "SHA384", 48},
    SigningScheme{SA::kRsassaPkcs1V15Sha512, SK::kRsaPkcs1, "SHA512", 64},
    SigningScheme{SA::kEcdsaSha256, SK::kEcdsa, "SHA256", 32},
    SigningScheme{SA::kEcdsaSha384, SK::kEcdsa, "SHA384", 48},
    SigningScheme{SA::kEcdsaSha512, SK::kEcdsa, "SHA512", 64},
    SigningScheme{SA::kEd25519Sha512, SK::kEd25519, "", 0},
    SigningScheme{SA::kEd25519PhSha512, SK::kEd25519Ph, "SHA512", 64},
    SigningScheme{SA::kSm2Dsa, SK::kSm2, "SM3", 32},
    SigningScheme{SA::kMlDsaShake256, SK::kMlDsa, "", 64},
};

using EA = EncryptionAlgorithm;
using EK = EncryptionScheme::Kind;
constexpr std::array kEncryptionSchemes = {
    EncryptionScheme{EA::kRsaesOaepSha1, EK::kRsaOaep, "SHA1", 20},
    EncryptionScheme{EA::kRsaesOaepSha256, EK::kRsaOaep, "SHA256", 32},
    EncryptionScheme{EA::kSm2Pke, EK::kSm2, "SM3", 32},
};

// AWS KMS computes SM2 signatures with the default distinguishing ID of GB/T 32918.
constexpr char kSm2DistinguishingId[] = "1234567812345678";
// AWS documents 1024 bytes as the SM2PKE plaintext limit.
constexpr size_t kSm2MaxPlaintext = 1024;

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct P8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};

[[noreturn]] void Fail(const char* what) {
  throw KmsError::Internal(std::string("OpenSSL failed to ") + what);
}

int RsaBits(KeySpec s) {
  return s == KeySpec::kRsa2048 ? 2048 : s == KeySpec::kRsa3072 ? 3072 : 4096;
}
// OpenSSL's group name of an ECC spec, or nullptr.
const char* EcGroup(KeySpec s) {
  switch (s) {
    case KeySpec::kEccNistP256:
      return "prime256v1";
    case KeySpec::kEccNistP384:
      return "secp384r1";
    case KeySpec::kEccNistP521:
      return "secp521r1";
    case KeySpec::kEccSecgP256k1:
      return "secp256k1";
    default:
      return nullptr;
  }
}
// The OpenSSL key type that generates `spec`.
const char* KeyType(KeySpec s) {
  if (IsRsaSpec(s)) return "RSA";
  if (EcGroup(s)) return "EC";
  if (s == KeySpec::kEccNistEdwards25519) return "ED25519";
  if (s == KeySpec::kSm2) return "SM2";
  return nullptr;
}

std::string GroupOf(const EVP_PKEY* pkey) {
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) return "";
  return std::string(name, len);
}

bool MatchesSpec(const EVP_PKEY* pkey, KeySpec spec) {
  if (IsRsaSpec(spec))
    return EVP_PKEY_is_a(pkey, "RSA") && EVP_PKEY_get_bits(pkey) == RsaBits(spec);
  if (const char* group = EcGroup(spec)) {
    if (!EVP_PKEY_is_a(pkey, "EC")) return false;
    std::string g = GroupOf(pkey);
    // OpenSSL reports P-256 by its X9.62 name; accept the NIST alias too.
    return g == group || (spec == KeySpec::kEccNistP256 && g == "P-256") ||
           (spec == KeySpec::kEccNistP384 && g == "P-384") ||
           (spec == KeySpec::kEccNistP521 && g == "P-521");
  }
  if (spec == KeySpec::kEccNistEdwards25519) return EVP_PKEY_is_a(pkey, "ED25519");
  if (spec == KeySpec::kSm2) return EVP_PKEY_is_a(pkey, "SM2");
  return false;
}

bool SupportsKeyType(const char* type) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  return ctx && EVP_PKEY_keygen_init(ctx.get()) == 1;
}

const EVP_MD* Digest(std::string_view name) {
  // EVP_get_digestbyname returns a static object: nothing to free.
  return EVP_get_digestbyname(std::string(name).c_str());
}

// Configures a signature context (digest-sign or raw sign) for `scheme`.
bool ConfigureSignature(EVP_PKEY_CTX* ctx, const SigningScheme& scheme, bool set_md) {
  switch (scheme.kind) {
    case SK::kRsaPss:
      return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             (!set_md || EVP_PKEY_CTX_set_signature_md(ctx, Digest(scheme.digest)) == 1) &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, Digest(scheme.digest)) == 1 &&
             // AWS signs PSS with a salt as long as the hash.
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    case SK::kRsaPkcs1:
      return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
             (!set_md || EVP_PKEY_CTX_set_signature_md(ctx, Digest(scheme.digest)) == 1);
    case SK::kEcdsa:
      return !set_md || EVP_PKEY_CTX_set_signature_md(ctx, Digest(scheme.digest)) == 1;
    case SK::kSm2:
    case SK::kEd25519:
      return true;
    case SK::kEd25519Ph:
    case SK::kMlDsa:
      return false;
  }
  return false;
}

// A message (not digest) signature context: EVP_DigestSign/EVP_DigestVerify over `md`.
// For SM2 the distinguishing ID is set on a key context that is handed to the
// digest context before initialisation, the sequence of OpenSSL 3.0's SM2(7)
// manual page. Passing OSSL_PKEY_PARAM_DIST_ID to EVP_DigestSignInit_ex instead
// fails without an error on OpenSSL 3.0.19 and works on 3.0.22; this sequence
// works on every 3.0.x release (tested against both in CI).
struct MessageSignatureContext {
  PkeyCtx sm2;  // SM2 only; declared first so `md`, which borrows it, goes first
  MdCtx md{EVP_MD_CTX_new()};
  EVP_PKEY_CTX* pctx = nullptr;  // the context the md context uses (owned by md or by sm2)

  // False when OpenSSL refuses any step.
  bool Init(EVP_PKEY* pkey, const SigningScheme& scheme, bool sign) {
    if (!md) return false;
    if (scheme.kind == SK::kSm2) {
      sm2.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
      if (!sm2 || EVP_PKEY_CTX_set1_id(sm2.get(), kSm2DistinguishingId,
                                       sizeof kSm2DistinguishingId - 1) != 1) {
        return false;
      }
      EVP_MD_CTX_set_pkey_ctx(md.get(), sm2.get());
    }
    std::string digest(scheme.digest);
    const char* name = digest.empty() ? nullptr : digest.c_str();
    EVP_PKEY_CTX** out = scheme.kind == SK::kSm2 ? nullptr : &pctx;
    int rc = sign ? EVP_DigestSignInit_ex(md.get(), out, name, nullptr, nullptr, pkey, nullptr)
                  : EVP_DigestVerifyInit_ex(md.get(), out, name, nullptr, nullptr, pkey, nullptr);
    if (rc != 1) return false;
    if (scheme.kind == SK::kSm2) pctx = sm2.get();
    return ConfigureSignature(pctx, scheme, false);
  }
};

}  // namespace

const SigningScheme* FindSigningScheme(SigningAlgorithm algorithm) {
  for (const auto& s : kSigningSchemes) {
    if (s.algorithm == algorithm) return &s;
  }
  return nullptr;
}

const EncryptionScheme* FindEncryptionScheme(EncryptionAlgorithm algorithm) {
  for (const auto& s : kEncryptionSchemes) {
    if (s.algorithm == algorithm) return &s;
  }
  return nullptr;
}

std::string_view OpenSslVersionText() { return OpenSSL_version(OPENSSL_VERSION); }

bool CanGenerate(KeySpec spec) {
  const char* type = KeyType(spec);
  if (!type) return false;
  if (spec == KeySpec::kSm2) {
    static const bool kSm2 = SupportsKeyType("SM2");
    return kSm2;
  }
  return true;
}

bool CanSign(const SigningScheme& scheme) {
  switch (scheme.kind) {
    case SK::kEd25519Ph:
      // Ed25519ph (RFC 8032 pre-hash) arrived in OpenSSL 3.2.
      return false;
    case SK::kMlDsa:
      return false;
    default:
      return true;
  }
}

SecretBytes PrivateKey::Generate(KeySpec spec) {
  const char* type = KeyType(spec);
  if (!type) Fail("generate a key of an unknown spec");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) Fail("start key generation");
  if (IsRsaSpec(spec) && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), RsaBits(spec)) != 1) {
    Fail("set the RSA modulus size");
  }
  if (const char* group = EcGroup(spec);
      group && EVP_PKEY_CTX_set_group_name(ctx.get(), group) != 1) {
    Fail("set the curve");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) Fail("generate a key pair");
  Pkey pkey(raw);
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, P8Free> p8(EVP_PKEY2PKCS8(pkey.get()));
  if (!p8) Fail("encode a private key");
  int len = i2d_PKCS8_PRIV_KEY_INFO(p8.get(), nullptr);
  if (len <= 0) Fail("encode a private key");
  SecretBytes der(static_cast<size_t>(len));
  unsigned char* out = der.data();
  if (i2d_PKCS8_PRIV_KEY_INFO(p8.get(), &out) != len) Fail("encode a private key");
  return der;
}

std::shared_ptr<const PrivateKey> PrivateKey::Parse(KeySpec spec, std::span<const uint8_t> pkcs8) {
  if (pkcs8.empty() || pkcs8.size() > 16384) return nullptr;
  const unsigned char* p = pkcs8.data();
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, P8Free> p8(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(pkcs8.size())));
  if (!p8 || p != pkcs8.data() + pkcs8.size()) return nullptr;  // trailing bytes: not DER
  Pkey pkey(EVP_PKCS82PKEY(p8.get()));
  if (!pkey || !MatchesSpec(pkey.get(), spec)) return nullptr;
  return std::shared_ptr<const PrivateKey>(new PrivateKey(pkey.release(), spec));
}

PrivateKey::~PrivateKey() { EVP_PKEY_free(pkey_); }

Bytes PrivateKey::PublicKeyDer() const {
  int len = i2d_PUBKEY(pkey_, nullptr);
  if (len <= 0) Fail("encode a public key");
  Bytes der(static_cast<size_t>(len));
  unsigned char* out = der.data();
  if (i2d_PUBKEY(pkey_, &out) != len) Fail("encode a public key");
  return der;
}

Bytes PrivateKey::Sign(const SigningScheme& scheme, bool is_digest,
                       std::span<const uint8_t> message) const {
  size_t len = 0;
  Bytes sig;
  if (is_digest) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        !ConfigureSignature(ctx.get(), scheme, true) ||
        EVP_PKEY_sign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
      Fail("start signing a digest");
    }
    sig.resize(len);
    if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
      Fail("sign a digest");
    }
  } else {
    MessageSignatureContext c;
    if (!c.Init(pkey_, scheme, true) ||
        EVP_DigestSign(c.md.get(), nullptr, &len, message.data(), message.size()) != 1) {
      Fail("start signing a message");
    }
    sig.resize(len);
    if (EVP_DigestSign(c.md.get(), sig.data(), &len, message.data(), message.size()) != 1) {
      Fail("sign a message");
    }
  }
  sig.resize(len);  // ECDSA and SM2 DER signatures vary in length
  return sig;
}

bool PrivateKey::Verify(const SigningScheme& scheme, bool is_digest,
                        std::span<const uint8_t> message,
                        std::span<const uint8_t> signature) const {
  if (is_digest) {
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
        !ConfigureSignature(ctx.get(), scheme, true)) {
      Fail("start verifying a digest");
    }
    return EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), message.data(),
                           message.size()) == 1;
  }
  MessageSignatureContext c;
  if (!c.Init(pkey_, scheme, false)) Fail("start verifying a message");
  return EVP_DigestVerify(c.md.get(), signature.data(), signature.size(), message.data(),
                          message.size()) == 1;
}

size_t PrivateKey::MaxPlaintext(const EncryptionScheme& scheme) const {
  if (scheme.kind == EK::kSm2) return kSm2MaxPlaintext;
  // RFC 8017 7.1.1: k - 2 hLen - 2.
  auto k = static_cast<size_t>(EVP_PKEY_get_size(pkey_));
  return k - 2 * scheme.digest_size - 2;
}

namespace {
bool ConfigureEncryption(EVP_PKEY_CTX* ctx, const EncryptionScheme& scheme) {
  if (scheme.kind == EK::kSm2) return true;  // SM2 encryption hashes with SM3 by default
  const EVP_MD* md = Digest(scheme.digest);
  return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
}
}  // namespace

Bytes PrivateKey::Encrypt(const EncryptionScheme& scheme,
                          std::span<const uint8_t> plaintext) const {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || !ConfigureEncryption(ctx.get(), scheme) ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &len, plaintext.data(), plaintext.size()) != 1) {
    Fail("start an encryption");
  }
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plaintext.data(), plaintext.size()) != 1) {
    Fail("encrypt");
  }
  out.resize(len);
  return out;
}

std::optional<SecretBytes> PrivateKey::Decrypt(const EncryptionScheme& scheme,
                                               std::span<const uint8_t> ciphertext) const {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !ConfigureEncryption(ctx.get(), scheme) ||
      EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ciphertext.data(), ciphertext.size()) != 1) {
    return std::nullopt;
  }
  SecretBytes out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) != 1) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

namespace {
// OpenSSL 3.0 has no key exchange for its "SM2" key type and its EC key type
// refuses the SM2 curve, so ECDH on SM2 is done on the curve directly:
// x(d * Q) with the peer point Q checked to lie on the curve (cofactor 1).
// EC_POINT_mul with a single point and no generator scalar uses OpenSSL's
// constant-time ladder.
std::optional<SecretBytes> Sm2Ecdh(const EVP_PKEY* mine, const EVP_PKEY* peer) {
  if (!EVP_PKEY_is_a(peer, "SM2")) return std::nullopt;
  unsigned char point[133];
  size_t point_len = 0;
  if (EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                      &point_len) != 1) {
    return std::nullopt;
  }
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(mine, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) return std::nullopt;
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_sm2);
  BN_CTX* bn = BN_CTX_new();
  EC_POINT* q = group ? EC_POINT_new(group) : nullptr;
  EC_POINT* r = group ? EC_POINT_new(group) : nullptr;
  BIGNUM* x = BN_new();
  SecretBytes secret(32);
  bool ok = group && bn && q && r && x && EC_POINT_oct2point(group, q, point, point_len, bn) == 1 &&
            EC_POINT_is_on_curve(group, q, bn) == 1 && EC_POINT_is_at_infinity(group, q) == 0 &&
            EC_POINT_mul(group, r, nullptr, q, d, bn) == 1 &&
            EC_POINT_is_at_infinity(group, r) == 0 &&
            EC_POINT_get_affine_coordinates(group, r, x, nullptr, bn) == 1 &&
            BN_bn2binpad(x, secret.data(), static_cast<int>(secret.size())) == 32;
  BN_clear_free(x);
  EC_POINT_clear_free(r);
  EC_POINT_free(q);
  BN_CTX_free(bn);
  EC_GROUP_free(group);
  BN_clear_free(d);
  if (!ok) return std::nullopt;
  return secret;
}
}  // namespace

std::optional<SecretBytes> PrivateKey::DeriveSharedSecret(
    std::span<const uint8_t> peer_spki) const {
  const unsigned char* p = peer_spki.data();
  Pkey peer(d2i_PUBKEY(nullptr, &p, static_cast<long>(peer_spki.size())));
  if (!peer || p != peer_spki.data() + peer_spki.size()) return std::nullopt;
  if (spec_ == KeySpec::kSm2) return Sm2Ecdh(pkey_, peer.get());
  if (EVP_PKEY_parameters_eq(pkey_, peer.get()) != 1) return std::nullopt;  // another curve
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr));
  size_t len = 0;
  // derive_set_peer validates the peer point (on the curve, not infinity).
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) {
    return std::nullopt;
  }
  SecretBytes secret(len);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) != 1) return std::nullopt;
  secret.resize(len);
  return secret;
}

}  // namespace rotor::core
