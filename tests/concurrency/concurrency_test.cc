// Many clients on the same keys at once, through the Router, over KmsService
// and the real SqliteKeyRepository (group commit, reader pool), with the
// background worker running and the virtual clock moving. Meant for
// ThreadSanitizer (scripts/test.sh runs it in a -fsanitize=thread build), but
// its assertions hold in any build: every answer is one the protocol allows,
// and every ciphertext decrypts to its plaintext, whatever the interleaving.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/background_worker.h"
#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "core/kms_service.h"
#include "core/random.h"
#include "server/admin/admin_endpoints.h"
#include "server/front_dispatcher.h"
#include "server/wire/router.h"
#include "storage/sqlite_key_repository.h"

using namespace rotor;
using nlohmann::json;

namespace {

struct TempDir {
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("rotor-concurrency-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

core::ServiceConfig Config() {
  core::ServiceConfig c;
  c.on_demand_rotation_limit = 100000;
  c.jitter = core::JitterModel(1, core::Millis(0));
  return c;
}

struct World {
  explicit World(const std::string& dir)
      : repo({dir, /*durable=*/true, 512}),
        sealer(random.Secret(32), random),
        service(repo, sealer, random, Config()),
        clock(*core::ParseIso8601("2026-01-01T00:00:00Z")),
        worker(service, clock, std::chrono::milliseconds(5)),
        admin(service, inventory, clock, &clock, nullptr, {"", "test"}),
        router(service, clock, {}),
        front(router, admin) {
    service.SetDueNowNotifier([this] { worker.Wake(); });
    worker.Start();
  }
  ~World() { worker.Stop(); }

  server::http::HttpResponse Call(const std::string& op, const json& body) {
    server::http::HttpRequest req{server::http::verb::post, "/", 11};
    req.set("X-Amz-Target", "TrentService." + op);
    req.set("Content-Type", "application/x-amz-json-1.1");
    req.body() = body.dump();
    req.prepare_payload();
    return front.Handle(req, {"127.0.0.1", true});
  }
  server::http::HttpResponse Admin(const std::string& path, const json& body) {
    server::http::HttpRequest req{server::http::verb::post, path, 11};
    req.body() = body.dump();
    req.prepare_payload();
    return front.Handle(req, {"127.0.0.1", true});
  }

  core::OpenSslRandom random;  // thread-safe, unlike SeededRandom
  storage::SqliteKeyRepository repo;
  core::KeySealer sealer;
  core::KmsService service;
  core::VirtualClock clock;
  core::BackgroundWorker worker;
  core::KeyInventory inventory{repo};
  server::admin::AdminEndpoints admin;
  server::wire::Router router;
  server::FrontDispatcher front;
};

// Failures seen by worker threads (Catch2 assertions are not thread-safe).
struct Failures {
  void Add(std::string what) {
    std::lock_guard l(mu);
    if (list.size() < 50) list.push_back(std::move(what));
  }
  std::mutex mu;
  std::vector<std::string> list;
};

std::string TypeOf(const server::http::HttpResponse& res) {
  auto doc = json::parse(res.body(), nullptr, false);
  return doc.is_object() && doc.contains("__type") ? doc["__type"].get<std::string>() : "";
}

}  // namespace

TEST_CASE("Clients rotating, encrypting, decrypting and swapping aliases on the same keys agree",
          "[concurrency]") {
  TempDir dir;
  World w(dir.path.string());
  constexpr int kKeys = 4;
  constexpr int kIterations = 60;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) {
    auto res = w.Call("CreateKey", {{"Description", "shared " + std::to_string(i)}});
    REQUIRE(res.result_int() == 200);
    keys.push_back(json::parse(res.body())["KeyMetadata"]["KeyId"]);
  }
  for (int i = 0; i < 3; ++i) {
    REQUIRE(w.Call("CreateAlias",
                   {{"AliasName", "alias/shared-" + std::to_string(i)}, {"TargetKeyId", keys[i]}})
                .result_int() == 200);
  }
  REQUIRE(w.Call("EnableKeyRotation", {{"KeyId", keys[0]}, {"RotationPeriodInDays", 90}})
              .result_int() == 200);
  REQUIRE(w.Call("EnableKeyRotation", {{"KeyId", keys[1]}, {"RotationPeriodInDays", 120}})
              .result_int() == 200);

  Failures failures;
  std::atomic<int> decrypted{0};
  auto expect_ok = [&](const char* what, const server::http::HttpResponse& res) {
    if (res.result_int() != 200) {
      // Appended step by step: GCC 12 at -O2 sees a false -Warray-bounds in
      // the chained operator+ here.
      std::string message(what);
      message.append(" -> ").append(res.body());
      failures.Add(message);
    }
    return res.result_int() == 200;
  };

  std::vector<std::thread> threads;
  // Rotators.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(100 + t);
      for (int i = 0; i < kIterations; ++i) {
        expect_ok("RotateKeyOnDemand", w.Call("RotateKeyOnDemand", {{"KeyId", keys[rng() % 3]}}));
      }
    });
  }
  // Encrypt through an alias being swapped, decrypt, compare.
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(200 + t);
      for (int i = 0; i < kIterations; ++i) {
        std::string pt = rng() % 2 ? "cGxhaW50ZXh0MQ==" : "cGxhaW50ZXh0Mg==";  // "plaintext1" / "2"
        json ctx = {{"t", std::to_string(t)}, {"i", std::to_string(i)}};
        auto enc = w.Call("Encrypt", {{"KeyId", "alias/shared-" + std::to_string(rng() % 3)},
                                      {"Plaintext", pt},
                                      {"EncryptionContext", ctx}});
        if (!expect_ok("Encrypt", enc)) continue;
        std::string blob = json::parse(enc.body())["CiphertextBlob"];
        auto dec = w.Call("Decrypt", {{"CiphertextBlob", blob}, {"EncryptionContext", ctx}});
        if (!expect_ok("Decrypt", dec)) continue;
        if (json::parse(dec.body())["Plaintext"] != pt)
          failures.Add("Decrypt returned other bytes");
        ++decrypted;
        auto gdk = w.Call("GenerateDataKey", {{"KeyId", keys[rng() % 3]}, {"KeySpec", "AES_256"}});
        if (!expect_ok("GenerateDataKey", gdk)) continue;
        auto dec2 =
            w.Call("Decrypt", {{"CiphertextBlob", json::parse(gdk.body())["CiphertextBlob"]}});
        if (expect_ok("Decrypt data key", dec2) &&
            json::parse(dec2.body())["Plaintext"] != json::parse(gdk.body())["Plaintext"]) {
          failures.Add("data key decrypts to other bytes");
        }
      }
    });
  }
  // Alias swapper.
  threads.emplace_back([&] {
    std::mt19937 rng(300);
    for (int i = 0; i < kIterations; ++i) {
      expect_ok("UpdateAlias",
                w.Call("UpdateAlias", {{"AliasName", "alias/shared-" + std::to_string(rng() % 3)},
                                       {"TargetKeyId", keys[rng() % 3]}}));
    }
  });
  // State changes and reads on the fourth key, tags and lists on all.
  threads.emplace_back([&] {
    std::mt19937 rng(400);
    for (int i = 0; i < kIterations; ++i) {
      expect_ok("DisableKey", w.Call("DisableKey", {{"KeyId", keys[3]}}));
      auto enc = w.Call("Encrypt", {{"KeyId", keys[3]}, {"Plaintext", "eA=="}});
      if (enc.result_int() != 400 || TypeOf(enc) != "DisabledException") {
        failures.Add("Encrypt under a disabled key -> " + enc.body());
      }
      expect_ok("EnableKey", w.Call("EnableKey", {{"KeyId", keys[3]}}));
      expect_ok(
          "TagResource",
          w.Call("TagResource", {{"KeyId", keys[rng() % kKeys]},
                                 {"Tags", {{{"TagKey", "n"}, {"TagValue", std::to_string(i)}}}}}));
      expect_ok("DescribeKey",
                w.Call("DescribeKey", {{"KeyId", "alias/shared-" + std::to_string(rng() % 3)}}));
      expect_ok("ListKeyRotations",
                w.Call("ListKeyRotations", {{"KeyId", keys[rng() % 3]}, {"Limit", 5}}));
      expect_ok("ListAliases", w.Call("ListAliases", json::object()));
      expect_ok("ListKeys", w.Call("ListKeys", {{"Limit", 2}}));
      expect_ok("GetKeyRotationStatus", w.Call("GetKeyRotationStatus", {{"KeyId", keys[0]}}));
    }
  });
  // The clock: scheduled rotations fire while everything else runs.
  threads.emplace_back([&] {
    for (int i = 0; i < kIterations / 2; ++i) {
      auto res = w.Admin("/_rotor/clock", {{"advance", "30d"}});
      if (res.result_int() != 200) failures.Add("clock advance -> " + res.body());
    }
  });
  for (auto& t : threads) t.join();

  INFO(failures.list.size() << " failures; first: "
                            << (failures.list.empty() ? "" : failures.list[0]));
  CHECK(failures.list.empty());
  CHECK(decrypted.load() == 3 * kIterations);
  // Automatic rotations fired for the two keys with a schedule (30 x 30 days).
  auto rotations =
      json::parse(w.Call("ListKeyRotations", {{"KeyId", keys[0]}, {"Limit", 1000}}).body());
  size_t automatic = 0;
  for (const auto& r : rotations["Rotations"]) automatic += r["RotationType"] == "AUTOMATIC";
  CHECK(automatic >= 9);
}
