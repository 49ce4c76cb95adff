// A KmsService on the in-memory repository and a virtual clock, for behaviour tests.
#pragma once

#include <catch2/catch.hpp>

#include "core/advance_time.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "storage/memory_key_repository.h"

namespace rotor::core::testing {

struct ServiceFixture {
  explicit ServiceFixture(ServiceConfig config = DefaultConfig())
      : sealer(random.Secret(32), random), service(repo, sealer, random, config) {}

  static ServiceConfig DefaultConfig() {
    ServiceConfig c;
    c.jitter = JitterModel(42, Millis(0));
    return c;
  }

  RequestContext Ctx(Scope scope = {"111122223333", "us-east-1"}) {
    return RequestContext{std::move(scope), clock.Now(), "req-" + std::to_string(++requests),
                          "AKID",           "127.0.0.1", "test"};
  }
  Key NewKey() { return service.CreateKey(Ctx(), CreateKeyRequest{}); }
  void Advance(Millis d) { AdvanceTime(service, clock.Now() + d, &clock); }
  Bytes EncryptText(const std::string& key_id, const std::string& text,
                    EncryptionContext context = {}) {
    EncryptRequest req;
    req.key_id = key_id;
    req.plaintext = SecretBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    req.context = std::move(context);
    return service.Encrypt(Ctx(), req).ciphertext;
  }
  std::string DecryptText(const Bytes& blob, EncryptionContext context = {}) {
    DecryptRequest req;
    req.ciphertext = blob;
    req.context = std::move(context);
    DecryptResult r = service.Decrypt(Ctx(), req);
    return std::string(r.plaintext.bytes().begin(), r.plaintext.bytes().end());
  }

  SeededRandom random{7};
  VirtualClock clock{*ParseIso8601("2026-01-01T00:00:00Z")};
  storage::MemoryKeyRepository repo;
  KeySealer sealer;
  KmsService service;
  int requests = 0;
};

// Runs `fn` and returns the AWS error name it threw ("" if none).
template <typename Fn>
std::string ErrorOf(Fn&& fn) {
  try {
    fn();
  } catch (const KmsError& e) {
    return std::string(e.name());
  }
  return "";
}
template <typename Fn>
std::string MessageOf(Fn&& fn) {
  try {
    fn();
  } catch (const KmsError& e) {
    return e.message();
  }
  return "";
}

}  // namespace rotor::core::testing
