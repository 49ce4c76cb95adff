// Independent checks for the asymmetric, HMAC and import tests: OpenSSL used
// directly, from public keys and raw bytes only, never through Rotor's core
// crypto code. What Rotor signs, these verify; what these encrypt or wrap,
// Rotor must open.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/bytes.h"

namespace rotor::core::testing::oracle {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct CtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

inline Pkey PublicKey(const Bytes& spki) {
  const unsigned char* p = spki.data();
  Pkey key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!key) throw std::runtime_error("not a DER SubjectPublicKeyInfo");
  return key;
}

inline Pkey PrivateKey(const Bytes& pkcs8) {
  const unsigned char* p = pkcs8.data();
  Pkey key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pkcs8.size())));
  if (!key) throw std::runtime_error("not a DER private key");
  return key;
}

inline Bytes Der(EVP_PKEY* key) {
  int n = i2d_PUBKEY(key, nullptr);
  Bytes out(static_cast<size_t>(n));
  unsigned char* p = out.data();
  i2d_PUBKEY(key, &p);
  return out;
}

inline Pkey Generate(const char* type, const char* group = nullptr, int bits = 0) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY_keygen_init(ctx.get());
  if (group) EVP_PKEY_CTX_set_group_name(ctx.get(), group);
  if (bits) EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits);
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &key) != 1) throw std::runtime_error("keygen failed");
  return Pkey(key);
}

inline Bytes Pkcs8(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key);
  int n = i2d_PKCS8_PRIV_KEY_INFO(p8, nullptr);
  Bytes out(static_cast<size_t>(n));
  unsigned char* p = out.data();
  i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
  PKCS8_PRIV_KEY_INFO_free(p8);
  return out;
}

enum class Padding { kNone, kPkcs1, kPss };

// Verifies a signature over a raw message with EVP_DigestVerify. `md` empty
// for Ed25519; PSS uses a salt as long as the hash, exactly (no auto-detect).
inline bool VerifyRaw(EVP_PKEY* pub, const std::string& md, Padding padding, const Bytes& message,
                      const Bytes& signature, const char* sm2_id = nullptr) {
  EVP_MD_CTX* mctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  // SM2's distinguishing ID goes on a key context handed to the digest context
  // before initialisation (SM2(7) of OpenSSL 3.0), the sequence every 3.0.x accepts.
  EVP_PKEY_CTX* sm2 = nullptr;
  bool ok = true;
  if (sm2_id) {
    sm2 = EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr);
    ok = sm2 && EVP_PKEY_CTX_set1_id(sm2, sm2_id,
                                     static_cast<int>(std::char_traits<char>::length(sm2_id))) == 1;
    EVP_MD_CTX_set_pkey_ctx(mctx, sm2);
  }
  ok = ok && EVP_DigestVerifyInit_ex(mctx, sm2 ? nullptr : &pctx, md.empty() ? nullptr : md.c_str(),
                                     nullptr, nullptr, pub, nullptr) == 1;
  if (ok && padding == Padding::kPss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                                          EVP_MD_get_size(EVP_get_digestbyname(md.c_str()))) == 1;
  }
  if (ok && padding == Padding::kPkcs1)
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  ok = ok && EVP_DigestVerify(mctx, signature.data(), signature.size(), message.data(),
                              message.size()) == 1;
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(sm2);
  return ok;
}

inline Bytes Digest(const std::string& md, const Bytes& message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_Digest(message.data(), message.size(), out.data(), &n, EVP_get_digestbyname(md.c_str()),
             nullptr);
  out.resize(n);
  return out;
}

// RSA-OAEP with the same hash for OAEP and MGF1, as AWS's RSAES_OAEP_SHA_*.
inline Bytes OaepEncrypt(EVP_PKEY* pub, const std::string& md, const Bytes& plaintext) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pub, nullptr));
  EVP_PKEY_encrypt_init(ctx.get());
  EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING);
  EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_get_digestbyname(md.c_str()));
  EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_get_digestbyname(md.c_str()));
  size_t n = 0;
  EVP_PKEY_encrypt(ctx.get(), nullptr, &n, plaintext.data(), plaintext.size());
  Bytes out(n);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &n, plaintext.data(), plaintext.size()) != 1) {
    throw std::runtime_error("OAEP encryption failed");
  }
  out.resize(n);
  return out;
}

// RFC 5649 AES key wrap with padding.
inline Bytes AesKeyWrapPad(const Bytes& kek, const Bytes& plaintext) {
  const EVP_CIPHER* cipher = kek.size() == 32   ? EVP_aes_256_wrap_pad()
                             : kek.size() == 24 ? EVP_aes_192_wrap_pad()
                                                : EVP_aes_128_wrap_pad();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  Bytes out(plaintext.size() + 16);
  int n = 0;
  int tail = 0;
  EVP_EncryptInit_ex(ctx, cipher, nullptr, kek.data(), nullptr);
  EVP_EncryptUpdate(ctx, out.data(), &n, plaintext.data(), static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx, out.data() + n, &tail);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n + tail));
  return out;
}

// ECDH on the oracle's side.
inline Bytes Ecdh(EVP_PKEY* mine, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
  EVP_PKEY_derive_init(ctx.get());
  EVP_PKEY_derive_set_peer(ctx.get(), peer);
  size_t n = 0;
  EVP_PKEY_derive(ctx.get(), nullptr, &n);
  Bytes out(n);
  EVP_PKEY_derive(ctx.get(), out.data(), &n);
  out.resize(n);
  return out;
}

// ECDH on the SM2 curve from the other side, with BIGNUM/EC_POINT
// arithmetic (OpenSSL 3.0's EVP has no SM2 key exchange): x(d_mine * Q_peer).
inline Bytes Sm2Ecdh(EVP_PKEY* mine, EVP_PKEY* peer) {
  unsigned char point[133];
  size_t len = 0;
  EVP_PKEY_get_octet_string_param(peer, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
  BIGNUM* d = nullptr;
  EVP_PKEY_get_bn_param(mine, OSSL_PKEY_PARAM_PRIV_KEY, &d);
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_sm2);
  EC_POINT* q = EC_POINT_new(group);
  EC_POINT* r = EC_POINT_new(group);
  BIGNUM* x = BN_new();
  EC_POINT_oct2point(group, q, point, len, nullptr);
  EC_POINT_mul(group, r, nullptr, q, d, nullptr);
  EC_POINT_get_affine_coordinates(group, r, x, nullptr, nullptr);
  Bytes out(32);
  BN_bn2binpad(x, out.data(), 32);
  BN_free(x);
  EC_POINT_free(r);
  EC_POINT_free(q);
  EC_GROUP_free(group);
  BN_free(d);
  return out;
}

inline Bytes Hmac(const std::string& md, const Bytes& key, const Bytes& message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  HMAC(EVP_get_digestbyname(md.c_str()), key.data(), static_cast<int>(key.size()), message.data(),
       message.size(), out.data(), &n);
  out.resize(n);
  return out;
}

inline Bytes RandomBytes(size_t n) {
  Bytes out(n);
  RAND_bytes(out.data(), static_cast<int>(n));
  return out;
}

inline Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }
inline SecretBytes Secret(const Bytes& b) { return SecretBytes(b.data(), b.size()); }
inline Bytes Plain(const SecretBytes& s) { return s.bytes(); }

}  // namespace rotor::core::testing::oracle
