// Asymmetric keys: every signature Rotor makes is verified by OpenSSL from the
// GetPublicKey DER alone, every ciphertext OpenSSL makes with that public key
// Rotor must decrypt (tests/core/openssl_oracle.h).
#include <map>
#include <tuple>

#include <openssl/ec.h>

#include <catch2/catch.hpp>

#include "openssl_oracle.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;
namespace oracle = rotor::core::testing::oracle;

namespace {

Key NewAsymmetricKey(ServiceFixture& f, const std::string& spec, const std::string& usage) {
  CreateKeyRequest req;
  req.key_spec = Enum<KeySpec>(spec);
  req.key_usage = Enum<KeyUsage>(usage);
  return f.service.CreateKey(f.Ctx(), req);
}

Bytes SignWith(ServiceFixture& f, const std::string& key_id, const std::string& algorithm,
               const Bytes& message, const std::string& type = "RAW") {
  SignRequest req;
  req.key_id = key_id;
  req.message = oracle::Secret(message);
  req.message_type = Enum<MessageType>(type);
  req.algorithm = Enum<SigningAlgorithm>(algorithm);
  SignResult r = f.service.Sign(f.CtxFor("Sign"), req);
  CHECK(ToString(r.algorithm) == algorithm);
  return r.signature;
}

std::string VerifyError(ServiceFixture& f, const std::string& key_id, const std::string& algorithm,
                        const Bytes& message, const Bytes& signature,
                        const std::string& type = "RAW") {
  VerifyRequest req;
  req.key_id = key_id;
  req.message = oracle::Secret(message);
  req.message_type = Enum<MessageType>(type);
  req.algorithm = Enum<SigningAlgorithm>(algorithm);
  req.signature = signature;
  bool valid = false;
  std::string error = ErrorOf([&] { valid = f.service.Verify(f.CtxFor("Verify"), req).valid; });
  if (error.empty()) CHECK(valid);  // never SignatureValid=false: an error instead
  return error;
}

oracle::Pkey PublicKeyOf(ServiceFixture& f, const Key& key) {
  PublicKeyResult r = f.service.GetPublicKey(f.Ctx(), key.id);
  CHECK(r.key->id == key.id);
  return oracle::PublicKey(r.public_key);
}

struct SigningCase {
  std::string spec;
  std::string algorithm;
  std::string md;
  oracle::Padding padding;
};

}  // namespace

TEST_CASE("Every RSA and ECDSA signing algorithm verifies with OpenSSL from the public key alone") {
  ServiceFixture f;
  const std::vector<SigningCase> cases = {
      {"RSA_2048", "RSASSA_PSS_SHA_256", "SHA256", oracle::Padding::kPss},
      {"RSA_2048", "RSASSA_PSS_SHA_384", "SHA384", oracle::Padding::kPss},
      {"RSA_2048", "RSASSA_PSS_SHA_512", "SHA512", oracle::Padding::kPss},
      {"RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", "SHA256", oracle::Padding::kPkcs1},
      {"RSA_2048", "RSASSA_PKCS1_V1_5_SHA_384", "SHA384", oracle::Padding::kPkcs1},
      {"RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512", "SHA512", oracle::Padding::kPkcs1},
      {"RSA_3072", "RSASSA_PSS_SHA_256", "SHA256", oracle::Padding::kPss},
      {"RSA_4096", "RSASSA_PKCS1_V1_5_SHA_512", "SHA512", oracle::Padding::kPkcs1},
      {"ECC_NIST_P256", "ECDSA_SHA_256", "SHA256", oracle::Padding::kNone},
      {"ECC_NIST_P384", "ECDSA_SHA_384", "SHA384", oracle::Padding::kNone},
      {"ECC_NIST_P521", "ECDSA_SHA_512", "SHA512", oracle::Padding::kNone},
      {"ECC_SECG_P256K1", "ECDSA_SHA_256", "SHA256", oracle::Padding::kNone},
  };
  std::map<std::string, Key> keys;
  const Bytes message = oracle::Text("the quick brown fox signs over the lazy dog");
  for (const SigningCase& c : cases) {
    DYNAMIC_SECTION(c.spec << " " << c.algorithm) {
      if (!keys.count(c.spec)) keys[c.spec] = NewAsymmetricKey(f, c.spec, "SIGN_VERIFY");
      const Key& key = keys[c.spec];
      oracle::Pkey pub = PublicKeyOf(f, key);

      Bytes raw = SignWith(f, key.id, c.algorithm, message);
      CHECK(oracle::VerifyRaw(pub.get(), c.md, c.padding, message, raw));
      // A signature over the digest is a signature over the message.
      Bytes digest = oracle::Digest(c.md, message);
      Bytes over_digest = SignWith(f, key.id, c.algorithm, digest, "DIGEST");
      CHECK(oracle::VerifyRaw(pub.get(), c.md, c.padding, message, over_digest));
      // Rotor's Verify agrees, both ways round, and rejects tampering.
      CHECK(VerifyError(f, key.id, c.algorithm, message, raw) == "");
      CHECK(VerifyError(f, key.id, c.algorithm, digest, raw, "DIGEST") == "");
      Bytes bad = raw;
      bad[bad.size() / 2] ^= 0x01;
      CHECK(VerifyError(f, key.id, c.algorithm, message, bad) == "KMSInvalidSignatureException");
      CHECK(VerifyError(f, key.id, c.algorithm, oracle::Text("another message"), raw) ==
            "KMSInvalidSignatureException");
      // The digest must have the hash's length.
      Bytes short_digest(digest.begin(), digest.end() - 1);
      CHECK(MessageOf([&] { SignWith(f, key.id, c.algorithm, short_digest, "DIGEST"); }) ==
            "Digest is invalid length for algorithm " + c.algorithm + ".");
      CHECK(VerifyError(f, key.id, c.algorithm, short_digest, raw, "DIGEST") ==
            "ValidationException");
      if (c.padding == oracle::Padding::kNone) {
        // ECDSA signatures come back DER-encoded (an ECDSA-Sig-Value), as AWS returns them.
        const unsigned char* p = raw.data();
        ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(raw.size()));
        CHECK(sig != nullptr);
        CHECK(p == raw.data() + raw.size());
        ECDSA_SIG_free(sig);
      }
    }
  }
}

TEST_CASE("Verify of a too-short digest is the same ValidationException as Sign") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "ECC_NIST_P384", "SIGN_VERIFY");
  Bytes sig = SignWith(f, key.id, "ECDSA_SHA_384", oracle::Text("m"));
  VerifyRequest req;
  req.key_id = key.id;
  req.message = oracle::Secret(Bytes(47, 0));
  req.message_type = MessageType::kDigest;
  req.algorithm = SigningAlgorithm::kEcdsaSha384;
  req.signature = sig;
  CHECK(MessageOf([&] { f.service.Verify(f.Ctx(), req); }) ==
        "Digest is invalid length for algorithm ECDSA_SHA_384.");
}

TEST_CASE("An algorithm the key spec does not offer is InvalidKeyUsageException") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK(MessageOf([&] { SignWith(f, key.id, "ECDSA_SHA_384", oracle::Text("m")); }) ==
        "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.");
  CHECK(ErrorOf([&] { SignWith(f, key.id, "RSASSA_PSS_SHA_256", oracle::Text("m")); }) ==
        "InvalidKeyUsageException");
}

TEST_CASE("Ed25519 signs raw messages that OpenSSL verifies, pre-hash is refused clearly") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY");
  oracle::Pkey pub = PublicKeyOf(f, key);
  Bytes message = oracle::RandomBytes(4096);
  Bytes sig = SignWith(f, key.id, "ED25519_SHA_512", message);
  CHECK(sig.size() == 64);
  CHECK(oracle::VerifyRaw(pub.get(), "", oracle::Padding::kNone, message, sig));
  CHECK(VerifyError(f, key.id, "ED25519_SHA_512", message, sig) == "");
  CHECK(ErrorOf([&] { SignWith(f, key.id, "ED25519_SHA_512", Bytes(64, 1), "DIGEST"); }) ==
        "ValidationException");
  // OpenSSL 3.0 has no Ed25519ph: refused, never faked.
  CHECK(ErrorOf([&] { SignWith(f, key.id, "ED25519_PH_SHA_512", message); }) ==
        "UnsupportedOperationException");
}

TEST_CASE("SM2DSA signs with the default distinguishing ID and SM2PKE round-trips") {
  ServiceFixture f;
  Key signer = NewAsymmetricKey(f, "SM2", "SIGN_VERIFY");
  oracle::Pkey pub = PublicKeyOf(f, signer);
  Bytes message = oracle::Text("sm2 message");
  Bytes sig = SignWith(f, signer.id, "SM2DSA", message);
  CHECK(oracle::VerifyRaw(pub.get(), "SM3", oracle::Padding::kNone, message, sig,
                          "1234567812345678"));
  CHECK_FALSE(
      oracle::VerifyRaw(pub.get(), "SM3", oracle::Padding::kNone, message, sig, "another-id"));
  // Not OpenSSL 3.0's own default (an empty ID, used when none is set).
  CHECK_FALSE(oracle::VerifyRaw(pub.get(), "SM3", oracle::Padding::kNone, message, sig, ""));
  CHECK_FALSE(oracle::VerifyRaw(pub.get(), "SM3", oracle::Padding::kNone, message, sig));
  CHECK(VerifyError(f, signer.id, "SM2DSA", message, sig) == "");

  Key encryptor = NewAsymmetricKey(f, "SM2", "ENCRYPT_DECRYPT");
  EncryptRequest enc;
  enc.key_id = encryptor.id;
  enc.plaintext = oracle::Secret(oracle::Text("sm2 secret"));
  enc.algorithm = EncryptionAlgorithm::kSm2Pke;
  Bytes ct = f.service.Encrypt(f.Ctx(), enc).ciphertext;
  DecryptRequest dec;
  dec.ciphertext = ct;
  dec.key_id = encryptor.id;
  dec.algorithm = EncryptionAlgorithm::kSm2Pke;
  CHECK(oracle::Plain(f.service.Decrypt(f.Ctx(), dec).plaintext) == oracle::Text("sm2 secret"));
}

TEST_CASE(
    "RSA Decrypt opens what OpenSSL encrypts with the GetPublicKey key, for both OAEP hashes") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "RSA_2048", "ENCRYPT_DECRYPT");
  oracle::Pkey pub = PublicKeyOf(f, key);
  for (auto [algorithm, md, max] : {std::tuple{"RSAES_OAEP_SHA_1", "SHA1", size_t{214}},
                                    std::tuple{"RSAES_OAEP_SHA_256", "SHA256", size_t{190}}}) {
    DYNAMIC_SECTION(algorithm) {
      Bytes plaintext = oracle::RandomBytes(max);  // the largest plaintext AWS allows
      DecryptRequest dec;
      dec.ciphertext = oracle::OaepEncrypt(pub.get(), md, plaintext);
      dec.key_id = key.Arn();
      dec.algorithm = Enum<EncryptionAlgorithm>(algorithm);
      DecryptResult r = f.service.Decrypt(f.Ctx(), dec);
      CHECK(oracle::Plain(r.plaintext) == plaintext);
      CHECK(ToString(r.algorithm) == algorithm);
      CHECK(r.key_arn == key.Arn());
      CHECK(r.material_id.empty());

      // Rotor's own ciphertexts decrypt too, and never twice the same.
      EncryptRequest enc;
      enc.key_id = key.id;
      enc.plaintext = oracle::Secret(plaintext);
      enc.algorithm = Enum<EncryptionAlgorithm>(algorithm);
      EncryptResult e1 = f.service.Encrypt(f.Ctx(), enc);
      EncryptResult e2 = f.service.Encrypt(f.Ctx(), enc);
      CHECK(e1.ciphertext.size() == 256);
      CHECK(e1.ciphertext != e2.ciphertext);
      CHECK(ToString(e1.algorithm) == algorithm);
      dec.ciphertext = e1.ciphertext;
      CHECK(oracle::Plain(f.service.Decrypt(f.Ctx(), dec).plaintext) == plaintext);

      // One byte more than AWS's documented limit.
      enc.plaintext = oracle::Secret(oracle::RandomBytes(max + 1));
      CHECK(MessageOf([&] { f.service.Encrypt(f.Ctx(), enc); }) ==
            "Algorithm " + std::string(algorithm) +
                " and key spec RSA_2048 cannot encrypt data larger than " + std::to_string(max) +
                " bytes.");
      // The wrong OAEP hash does not decrypt.
      dec.algorithm = Enum<EncryptionAlgorithm>(
          std::string(algorithm) == "RSAES_OAEP_SHA_1" ? "RSAES_OAEP_SHA_256" : "RSAES_OAEP_SHA_1");
      CHECK(ErrorOf([&] { f.service.Decrypt(f.Ctx(), dec); }) == "InvalidCiphertextException");
    }
  }
}

TEST_CASE("RSA encryption limits for 3072 and 4096-bit keys are AWS's") {
  ServiceFixture f;
  for (auto [spec, sha1, sha256] :
       {std::tuple{"RSA_3072", 342, 318}, std::tuple{"RSA_4096", 470, 446}}) {
    Key key = NewAsymmetricKey(f, spec, "ENCRYPT_DECRYPT");
    for (auto [algorithm, max] :
         {std::pair{"RSAES_OAEP_SHA_1", sha1}, std::pair{"RSAES_OAEP_SHA_256", sha256}}) {
      EncryptRequest enc;
      enc.key_id = key.id;
      enc.algorithm = Enum<EncryptionAlgorithm>(algorithm);
      enc.plaintext = oracle::Secret(Bytes(static_cast<size_t>(max), 7));
      CHECK(ErrorOf([&] { f.service.Encrypt(f.Ctx(), enc); }) == "");
      enc.plaintext = oracle::Secret(Bytes(static_cast<size_t>(max) + 1, 7));
      CHECK(MessageOf([&] { f.service.Encrypt(f.Ctx(), enc); }) ==
            "Algorithm " + std::string(algorithm) + " and key spec " + spec +
                " cannot encrypt data larger than " + std::to_string(max) + " bytes.");
    }
  }
}

TEST_CASE("RSA ciphertexts need the KeyId and an RSA algorithm, no encryption context") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "RSA_2048", "ENCRYPT_DECRYPT");
  EncryptRequest enc;
  enc.key_id = key.id;
  enc.plaintext = oracle::Secret(oracle::Text("x"));
  CHECK(MessageOf([&] { f.service.Encrypt(f.Ctx(), enc); }) ==
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
  enc.algorithm = EncryptionAlgorithm::kRsaesOaepSha256;
  enc.context = {{"a", "b"}};
  CHECK(ErrorOf([&] { f.service.Encrypt(f.Ctx(), enc); }) == "ValidationException");
  enc.context.clear();
  Bytes ct = f.service.Encrypt(f.Ctx(), enc).ciphertext;
  DecryptRequest dec;
  dec.ciphertext = ct;
  dec.algorithm = EncryptionAlgorithm::kRsaesOaepSha256;
  CHECK(ErrorOf([&] { f.service.Decrypt(f.Ctx(), dec); }) == "InvalidCiphertextException");
  dec.key_id = key.id;
  dec.dry_run = true;
  CHECK(ErrorOf([&] { f.service.Decrypt(f.Ctx(), dec); }) == "DryRunOperationException");
}

TEST_CASE("ReEncrypt moves data between RSA and symmetric keys") {
  ServiceFixture f;
  Key rsa = NewAsymmetricKey(f, "RSA_2048", "ENCRYPT_DECRYPT");
  Key sym = f.NewKey();
  Bytes blob = f.EncryptText(sym.id, "moving day", {{"k", "v"}});
  ReEncryptRequest to_rsa;
  to_rsa.ciphertext = blob;
  to_rsa.source_context = {{"k", "v"}};
  to_rsa.destination_key_id = rsa.id;
  to_rsa.destination_algorithm = EncryptionAlgorithm::kRsaesOaepSha1;
  ReEncryptResult r1 = f.service.ReEncrypt(f.Ctx(), to_rsa);
  CHECK(ToString(r1.destination_algorithm) == "RSAES_OAEP_SHA_1");
  CHECK(r1.destination_material_id.empty());
  CHECK(r1.source_material_id == sym.current_material_id);

  ReEncryptRequest back;
  back.ciphertext = r1.ciphertext;
  back.source_key_id = rsa.Arn();
  back.source_algorithm = EncryptionAlgorithm::kRsaesOaepSha1;
  back.destination_key_id = sym.id;
  ReEncryptResult r2 = f.service.ReEncrypt(f.Ctx(), back);
  CHECK(ToString(r2.source_algorithm) == "RSAES_OAEP_SHA_1");
  CHECK(ToString(r2.destination_algorithm) == "SYMMETRIC_DEFAULT");
  CHECK(f.DecryptText(r2.ciphertext) == "moving day");
}

TEST_CASE("Key usage errors name the usage and the operation as AWS does") {
  ServiceFixture f;
  Key signer = NewAsymmetricKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
  Key encryptor = NewAsymmetricKey(f, "RSA_2048", "ENCRYPT_DECRYPT");
  EncryptRequest enc;
  enc.key_id = signer.id;
  enc.plaintext = oracle::Secret(oracle::Text("x"));
  enc.algorithm = EncryptionAlgorithm::kRsaesOaepSha256;
  CHECK(MessageOf([&] { f.service.Encrypt(f.CtxFor("Encrypt"), enc); }) ==
        signer.Arn() + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
  CHECK(MessageOf([&] { SignWith(f, encryptor.id, "RSASSA_PSS_SHA_256", oracle::Text("x")); }) ==
        encryptor.Arn() + " key usage is ENCRYPT_DECRYPT which is not valid for Sign.");
  VerifyRequest v;
  v.key_id = encryptor.id;
  v.message = oracle::Secret(oracle::Text("x"));
  v.algorithm = SigningAlgorithm::kRsassaPssSha256;
  v.signature = Bytes(256, 0);
  CHECK(MessageOf([&] { f.service.Verify(f.CtxFor("Verify"), v); }) ==
        encryptor.Arn() + " key usage is ENCRYPT_DECRYPT which is not valid for Verify.");
  DeriveSharedSecretRequest d;
  d.key_id = signer.id;
  d.algorithm = KeyAgreementAlgorithm::kEcdh;
  d.public_key = f.service.GetPublicKey(f.Ctx(), signer.id).public_key;
  CHECK(MessageOf([&] { f.service.DeriveSharedSecret(f.CtxFor("DeriveSharedSecret"), d); }) ==
        signer.Arn() + " key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.");
  d.key_id = encryptor.id;
  CHECK(MessageOf([&] { f.service.DeriveSharedSecret(f.CtxFor("DeriveSharedSecret"), d); }) ==
        encryptor.Arn() +
            " key usage is ENCRYPT_DECRYPT which is not valid for DeriveSharedSecret.");
}

TEST_CASE("DeriveSharedSecret equals the ECDH OpenSSL computes on the other side") {
  ServiceFixture f;
  for (auto [spec, group] :
       {std::pair{"ECC_NIST_P256", "P-256"}, std::pair{"ECC_NIST_P384", "P-384"},
        std::pair{"ECC_NIST_P521", "P-521"}}) {
    DYNAMIC_SECTION(spec) {
      Key key = NewAsymmetricKey(f, spec, "KEY_AGREEMENT");
      oracle::Pkey peer = oracle::Generate("EC", group);
      DeriveSharedSecretRequest req;
      req.key_id = key.id;
      req.algorithm = KeyAgreementAlgorithm::kEcdh;
      req.public_key = oracle::Der(peer.get());
      DeriveSharedSecretResult r = f.service.DeriveSharedSecret(f.Ctx(), req);
      oracle::Pkey pub = PublicKeyOf(f, key);
      CHECK(oracle::Plain(r.shared_secret) == oracle::Ecdh(peer.get(), pub.get()));
      CHECK(r.origin == Origin::kAwsKms);
      // A peer on another curve, or garbage, is refused.
      oracle::Pkey other =
          oracle::Generate("EC", std::string(group) == "P-256" ? "P-384" : "P-256");
      req.public_key = oracle::Der(other.get());
      CHECK(ErrorOf([&] { f.service.DeriveSharedSecret(f.Ctx(), req); }) == "ValidationException");
      req.public_key = Bytes{0x30, 0x03, 0x02, 0x01, 0x00};
      CHECK(ErrorOf([&] { f.service.DeriveSharedSecret(f.Ctx(), req); }) == "ValidationException");
    }
  }
}

TEST_CASE("SM2 key agreement is ECDH on the SM2 curve, as OpenSSL computes it on the other side") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "SM2", "KEY_AGREEMENT");
  oracle::Pkey peer = oracle::Generate("SM2");  // what `openssl genpkey -algorithm SM2` makes
  DeriveSharedSecretRequest req;
  req.key_id = key.id;
  req.algorithm = KeyAgreementAlgorithm::kEcdh;
  req.public_key = oracle::Der(peer.get());
  DeriveSharedSecretResult r = f.service.DeriveSharedSecret(f.Ctx(), req);
  CHECK(r.shared_secret.size() == 32);
  // From the other side: the peer's scalar times Rotor's public point.
  oracle::Pkey kms_pub = PublicKeyOf(f, key);
  CHECK(oracle::Plain(r.shared_secret) == oracle::Sm2Ecdh(peer.get(), kms_pub.get()));
  // A NIST P-256 peer is another curve.
  oracle::Pkey p256 = oracle::Generate("EC", "P-256");
  req.public_key = oracle::Der(p256.get());
  CHECK(ErrorOf([&] { f.service.DeriveSharedSecret(f.Ctx(), req); }) == "ValidationException");
}

TEST_CASE("GenerateDataKeyPair returns a matching pair whose private key Decrypt recovers") {
  ServiceFixture f;
  Key sym = f.NewKey();
  for (std::string spec :
       {"RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "SM2"}) {
    DYNAMIC_SECTION(spec) {
      GenerateDataKeyPairRequest req;
      req.key_id = sym.id;
      req.key_pair_spec = Enum<KeySpec>(spec);
      req.context = {{"purpose", "pair"}};
      GenerateDataKeyPairResult r = f.service.GenerateDataKeyPair(f.Ctx(), req, true);
      CHECK(ToString(r.key_pair_spec) == spec);
      CHECK(r.material_id == sym.current_material_id);
      oracle::Pkey priv = oracle::PrivateKey(oracle::Plain(r.private_key_plaintext));
      CHECK(oracle::Der(priv.get()) == r.public_key);  // the public key is the private key's
      CHECK(f.DecryptText(r.private_key_ciphertext, {{"purpose", "pair"}}) ==
            std::string(r.private_key_plaintext.bytes().begin(),
                        r.private_key_plaintext.bytes().end()));

      GenerateDataKeyPairResult w = f.service.GenerateDataKeyPair(f.Ctx(), req, false);
      CHECK(w.private_key_plaintext.empty());
      DecryptRequest dec;
      dec.ciphertext = w.private_key_ciphertext;
      dec.context = req.context;
      oracle::Pkey opened =
          oracle::PrivateKey(oracle::Plain(f.service.Decrypt(f.Ctx(), dec).plaintext));
      CHECK(oracle::Der(opened.get()) == w.public_key);
      CHECK(w.public_key != r.public_key);
    }
  }
  Key rsa = NewAsymmetricKey(f, "RSA_2048", "ENCRYPT_DECRYPT");
  GenerateDataKeyPairRequest bad;
  bad.key_id = rsa.id;
  bad.key_pair_spec = KeySpec::kEccNistP256;
  CHECK(MessageOf([&] {
          f.service.GenerateDataKeyPair(f.CtxFor("GenerateDataKeyPair"), bad, true);
        }) == rsa.Arn() + " key spec is RSA_2048 which is not valid for GenerateDataKeyPair.");
}

TEST_CASE("Key specs this OpenSSL cannot do are refused, and asymmetric keys do not rotate") {
  ServiceFixture f;
  for (std::string spec : {"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"}) {
    CreateKeyRequest req;
    req.key_spec = Enum<KeySpec>(spec);
    req.key_usage = KeyUsage::kSignVerify;
    CHECK(ErrorOf([&] { f.service.CreateKey(f.Ctx(), req); }) == "UnsupportedOperationException");
  }
  Key key = NewAsymmetricKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
  CHECK(key.current_version == 1);
  CHECK(key.state == KeyState::kEnabled);
  CHECK(MessageOf([&] { f.service.EnableKeyRotation(f.Ctx(), key.id, std::nullopt); }) == "");
  CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(), key.id, std::nullopt); }) ==
        "UnsupportedOperationException");
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), key.id); }) ==
        "UnsupportedOperationException");
  Key sym = f.NewKey();
  CHECK(ErrorOf([&] { f.service.GetPublicKey(f.Ctx(), sym.id); }) ==
        "UnsupportedOperationException");
}

TEST_CASE("The private key is parsed once and then served from the cache") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
  SignWith(f, key.id, "ECDSA_SHA_256", oracle::Text("warm"));
  size_t reads = f.repo.material_reads();
  for (int i = 0; i < 20; ++i) SignWith(f, key.id, "ECDSA_SHA_256", oracle::Text("hot"));
  f.service.GetPublicKey(f.Ctx(), key.id);
  CHECK(f.repo.material_reads() == reads);
}

TEST_CASE("Sign on a disabled key is DisabledException, DryRun answers after the checks") {
  ServiceFixture f;
  Key key = NewAsymmetricKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
  SignRequest req;
  req.key_id = key.id;
  req.message = oracle::Secret(oracle::Text("m"));
  req.algorithm = SigningAlgorithm::kEcdsaSha256;
  req.dry_run = true;
  CHECK(ErrorOf([&] { f.service.Sign(f.Ctx(), req); }) == "DryRunOperationException");
  f.service.DisableKey(f.Ctx(), key.id);
  CHECK(MessageOf([&] { f.service.Sign(f.Ctx(), req); }) == key.Arn() + " is disabled.");
}
