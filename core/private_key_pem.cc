// PEM <-> PKCS#8 DER for seed files (core/seed.h).
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "core/seed.h"

namespace rotor::core {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

KeySpec SpecOf(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    switch (EVP_PKEY_get_bits(pkey)) {
      case 2048:
        return KeySpec::kRsa2048;
      case 3072:
        return KeySpec::kRsa3072;
      case 4096:
        return KeySpec::kRsa4096;
      default:
        throw SeedError("RSA keys must have 2048, 3072 or 4096 bits");
    }
  }
  if (EVP_PKEY_is_a(pkey, "ED25519")) return KeySpec::kEccNistEdwards25519;
  if (EVP_PKEY_is_a(pkey, "SM2")) return KeySpec::kSm2;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char curve[64] = {0};
    size_t len = 0;
    EVP_PKEY_get_utf8_string_param(pkey, "group", curve, sizeof curve, &len);
    std::string name(curve, len);
    if (name == "prime256v1" || name == "P-256") return KeySpec::kEccNistP256;
    if (name == "secp384r1" || name == "P-384") return KeySpec::kEccNistP384;
    if (name == "secp521r1" || name == "P-521") return KeySpec::kEccNistP521;
    if (name == "secp256k1") return KeySpec::kEccSecgP256k1;
    if (name == "SM2") return KeySpec::kSm2;
    throw SeedError("the EC curve " + name + " is not one KMS offers");
  }
  throw SeedError("the private key's algorithm is not one KMS offers");
}

}  // namespace

std::pair<KeySpec, SecretBytes> PrivateKeyFromPem(const std::string& pem) {
  std::unique_ptr<BIO, BioDeleter> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey(
      PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  if (!pkey) throw SeedError("PrivateKeyPem is not a PEM private key");
  KeySpec spec = SpecOf(pkey.get());
  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  if (i2d_PKCS8PrivateKeyInfo_bio(out.get(), pkey.get()) != 1)
    throw SeedError("cannot encode the key as PKCS#8");
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  SecretBytes der(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(n));
  OPENSSL_cleanse(data, static_cast<size_t>(n));
  return {spec, std::move(der)};
}

std::string PrivateKeyToPem(const SecretBytes& pkcs8_der) {
  const unsigned char* p = pkcs8_der.data();
  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey(
      d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pkcs8_der.size())));
  if (!pkey) return "";
  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(out.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1)
    return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  std::string pem(data, static_cast<size_t>(n));
  OPENSSL_cleanse(data, static_cast<size_t>(n));
  return pem;
}

}  // namespace rotor::core
