// KeyCache (core/key_cache.*) on its own, over the in-memory repository with a
// probe in front that counts what reaches the repository: hits never read it,
// every kind of write updates or drops exactly what it changed, the capacity
// bound drops an eighth when full, and a load racing a commit never leaves the
// older value behind (the consistency note in key_cache.h).
#include "core/key_cache.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "forwarding_repository.h"
#include "storage/memory_key_repository.h"

using namespace rotor::core;

namespace {

const Scope kScope{"111122223333", "us-east-1"};
const Scope kOtherScope{"111122223333", "eu-west-1"};
const Timestamp kT0 = *ParseIso8601("2026-01-01T00:00:00Z");

std::string KeyIdOf(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08d-0000-4000-8000-000000000000", n);
  return buf;
}

Key MakeKey(const Scope& scope, const std::string& id, uint64_t revision,
            const std::string& description = "") {
  Key k;
  k.scope = scope;
  k.id = id;
  k.creation_date = kT0;
  k.description = description;
  k.revision = revision;
  return k;
}

Alias MakeAlias(const Scope& scope, const std::string& name, const std::string& target) {
  return Alias{scope, name, target, kT0, kT0};
}

KeyMaterialVersion MakeVersion(uint32_t version) {
  KeyMaterialVersion v;
  v.version = version;
  v.material_id = std::string(63, '0') + std::to_string(version % 10);
  v.created = kT0;
  return v;
}

// The in-memory repository behind a probe that counts the reads KeyCache makes
// on a miss. Optionally holds one GetAlias read (after it has read storage)
// until the test releases it, to order a load against a commit.
class ProbeRepository final : public testing::ForwardingRepository {
 public:
  ProbeRepository() : ForwardingRepository(storage) {}

  std::optional<Key> GetKey(const Scope& s, const std::string& id) override {
    ++key_reads;
    return inner_.GetKey(s, id);
  }
  std::optional<Alias> GetAlias(const Scope& s, const std::string& name) override {
    ++alias_reads;
    std::optional<Alias> alias = inner_.GetAlias(s, name);
    if (hold_alias_read.exchange(false)) {
      std::unique_lock lock(mu);
      read_held = true;
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(30), [&] { return release_read; });
    }
    return alias;
  }
  std::optional<SealedMaterial> GetSealedMaterial(const Scope& s, const std::string& id,
                                                  uint32_t version) override {
    ++material_reads;
    return inner_.GetSealedMaterial(s, id, version);
  }
  // Like storage's writer thread: one write at a time, and `on_commit` runs
  // after the commit without holding anything a reader needs.
  void Write(const std::function<void(KeyTransaction&)>& fn,
             const std::function<void()>& on_commit) override {
    std::lock_guard writer(write_mu);
    if (fail_first_attempt.exchange(false)) {
      // An attempt that is rolled back and run again (a retrying repository).
      try {
        inner_.Write(
            [&](KeyTransaction& tx) {
              fn(tx);
              throw std::runtime_error("rolled back");
            },
            {});
      } catch (const std::runtime_error&) {
      }
    }
    inner_.Write(fn, {});
    {
      std::lock_guard lock(mu);
      committed = true;
      cv.notify_all();
    }
    if (on_commit) on_commit();
  }

  // Writes straight to storage, behind the cache's back.
  void WriteBehind(const std::function<void(KeyTransaction&)>& fn) { inner_.Write(fn, {}); }

  rotor::storage::MemoryKeyRepository storage;
  std::atomic<int> key_reads{0}, alias_reads{0}, material_reads{0};
  std::atomic<bool> fail_first_attempt{false};
  std::mutex write_mu;

  // The held-read handshake.
  std::atomic<bool> hold_alias_read{false};
  std::mutex mu;
  std::condition_variable cv;
  bool read_held = false, release_read = false, committed = false;
};

// An unsealer that "unseals" by copying and counts its calls.
struct CountingUnsealer {
  int calls = 0;
  bool fail = false;
  KeyCache::Unsealer fn() {
    return [this](uint32_t, const SealedMaterial& sealed) -> std::optional<UnsealedMaterial> {
      ++calls;
      if (fail) return std::nullopt;
      UnsealedMaterial m;
      m.bytes = SecretBytes(sealed.sealed.data(), sealed.sealed.size());
      return m;
    };
  }
};

void SeedKey(ProbeRepository& repo, const Key& key) {
  repo.WriteBehind([&](KeyTransaction& tx) { tx.PutKey(key); });
}
void SeedMaterial(ProbeRepository& repo, const Scope& scope, const std::string& key_id,
                  uint32_t version, uint8_t fill) {
  SealedMaterial sealed{Bytes(32, fill), ""};
  repo.WriteBehind(
      [&](KeyTransaction& tx) { tx.PutMaterial(scope, key_id, MakeVersion(version), &sealed); });
}

}  // namespace

TEST_CASE("KeyCache: a key is read from the repository once, then served from memory") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 3, "first"));

  std::shared_ptr<const Key> a = cache.GetKey(kScope, KeyIdOf(1));
  REQUIRE(a);
  CHECK(a->description == "first");
  CHECK(a->revision == 3);
  CHECK(repo.key_reads == 1);
  std::shared_ptr<const Key> b = cache.GetKey(kScope, KeyIdOf(1));
  CHECK(b.get() == a.get());  // the same immutable copy, no reload
  CHECK(repo.key_reads == 1);

  // The same id in another region is another key.
  CHECK(cache.GetKey(kOtherScope, KeyIdOf(1)) == nullptr);
  CHECK(repo.key_reads == 2);
  // A miss is not remembered: a key that appears later is found.
  CHECK(cache.GetKey(kScope, KeyIdOf(2)) == nullptr);
  CHECK(cache.GetKey(kScope, KeyIdOf(2)) == nullptr);
  CHECK(repo.key_reads == 4);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(2), 1));
  CHECK(cache.GetKey(kScope, KeyIdOf(2)) != nullptr);
  CHECK(repo.key_reads == 5);
}

TEST_CASE("KeyCache: the cached copy is what was loaded, even if storage changes behind it") {
  // Writes are meant to go through KeyCache::Write; this pins down that a
  // warm key is never re-read (the price of no I/O on the hot path).
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1, "old"));
  REQUIRE(cache.GetKey(kScope, KeyIdOf(1))->description == "old");
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 2, "new"));
  CHECK(cache.GetKey(kScope, KeyIdOf(1))->description == "old");
  cache.Clear();
  CHECK(cache.GetKey(kScope, KeyIdOf(1))->description == "new");
  CHECK(repo.key_reads == 2);
}

TEST_CASE("KeyCache: alias targets are cached, a missing alias is not") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  repo.WriteBehind(
      [&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(1))); });
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(1));
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(1));
  CHECK(repo.alias_reads == 1);
  CHECK(cache.GetAliasTarget(kOtherScope, "alias/app") == std::nullopt);
  CHECK(cache.GetAliasTarget(kScope, "alias/none") == std::nullopt);
  CHECK(cache.GetAliasTarget(kScope, "alias/none") == std::nullopt);
  CHECK(repo.alias_reads == 4);
}

TEST_CASE("KeyCache: material is unsealed once per version and carries its KeyMaterialId") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1));
  SeedMaterial(repo, kScope, KeyIdOf(1), 1, 0x11);
  SeedMaterial(repo, kScope, KeyIdOf(1), 2, 0x22);
  CountingUnsealer unsealer;

  auto v1 = cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn());
  REQUIRE(v1);
  CHECK(v1->bytes.bytes() == Bytes(32, 0x11));
  CHECK(v1->material_id == MakeVersion(1).material_id);
  auto v2 = cache.GetMaterial(kScope, KeyIdOf(1), 2, unsealer.fn());
  REQUIRE(v2);
  CHECK(v2->bytes.bytes() == Bytes(32, 0x22));
  CHECK(v2->material_id == MakeVersion(2).material_id);
  CHECK(unsealer.calls == 2);
  CHECK(repo.material_reads == 2);

  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()).get() == v1.get());
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 2, unsealer.fn()).get() == v2.get());
  CHECK(unsealer.calls == 2);
  CHECK(repo.material_reads == 2);

  // A version without material: nullptr, and the unsealer is not called.
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 3, unsealer.fn()) == nullptr);
  CHECK(unsealer.calls == 2);
  CHECK(repo.material_reads == 3);
}

TEST_CASE("KeyCache: material that cannot be unsealed is nullptr and is tried again next time") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedMaterial(repo, kScope, KeyIdOf(1), 1, 0x11);
  CountingUnsealer unsealer;
  unsealer.fail = true;
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()) == nullptr);
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()) == nullptr);
  CHECK(unsealer.calls == 2);
  unsealer.fail = false;
  auto m = cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn());
  REQUIRE(m);
  CHECK(m->bytes.bytes() == Bytes(32, 0x11));
  CHECK(unsealer.calls == 3);
}

TEST_CASE("KeyCache: PutKey through Write installs the new key without a reload") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1, "old"));
  std::shared_ptr<const Key> old = cache.GetKey(kScope, KeyIdOf(1));
  REQUIRE(repo.key_reads == 1);

  cache.Write([&](KeyTransaction& tx) { tx.PutKey(MakeKey(kScope, KeyIdOf(1), 2, "new")); });
  std::shared_ptr<const Key> now = cache.GetKey(kScope, KeyIdOf(1));
  REQUIRE(now);
  CHECK(now->description == "new");
  CHECK(now->revision == 2);
  CHECK(repo.key_reads == 1);
  CHECK(old->description == "old");  // a reader's copy never changes under it

  // A key created by a write is served without ever reading the repository.
  cache.Write([&](KeyTransaction& tx) { tx.PutKey(MakeKey(kScope, KeyIdOf(2), 1, "created")); });
  CHECK(cache.GetKey(kScope, KeyIdOf(2))->description == "created");
  CHECK(repo.key_reads == 1);
}

TEST_CASE("KeyCache: DeleteKey drops the key, its material and the aliases that pointed to it") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1));
  SeedKey(repo, MakeKey(kScope, KeyIdOf(2), 1));
  SeedMaterial(repo, kScope, KeyIdOf(1), 1, 0x11);
  SeedMaterial(repo, kScope, KeyIdOf(2), 1, 0x22);
  repo.WriteBehind([&](KeyTransaction& tx) {
    tx.PutAlias(MakeAlias(kScope, "alias/one", KeyIdOf(1)));
    tx.PutAlias(MakeAlias(kScope, "alias/two", KeyIdOf(2)));
  });
  CountingUnsealer unsealer;
  for (int n : {1, 2}) {
    REQUIRE(cache.GetKey(kScope, KeyIdOf(n)));
    REQUIRE(cache.GetMaterial(kScope, KeyIdOf(n), 1, unsealer.fn()));
  }
  REQUIRE(cache.GetAliasTarget(kScope, "alias/one") == KeyIdOf(1));
  REQUIRE(cache.GetAliasTarget(kScope, "alias/two") == KeyIdOf(2));
  REQUIRE(repo.key_reads == 2);
  REQUIRE(repo.alias_reads == 2);
  REQUIRE(repo.material_reads == 2);

  cache.Write([&](KeyTransaction& tx) { tx.DeleteKey(kScope, KeyIdOf(1), kT0); });

  CHECK(cache.GetKey(kScope, KeyIdOf(1)) == nullptr);
  CHECK(repo.key_reads == 3);
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()) == nullptr);
  CHECK(repo.material_reads == 3);
  CHECK(cache.GetAliasTarget(kScope, "alias/one") == std::nullopt);
  CHECK(repo.alias_reads == 3);
  // The other key and its alias stay warm.
  CHECK(cache.GetKey(kScope, KeyIdOf(2)) != nullptr);
  CHECK(cache.GetMaterial(kScope, KeyIdOf(2), 1, unsealer.fn()) != nullptr);
  CHECK(cache.GetAliasTarget(kScope, "alias/two") == KeyIdOf(2));
  CHECK(repo.key_reads == 3);
  CHECK(repo.material_reads == 3);
  CHECK(repo.alias_reads == 3);
}

TEST_CASE("KeyCache: PutAlias and DeleteAlias through Write update the alias target") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  cache.Write([&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(1))); });
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(1));
  CHECK(repo.alias_reads == 0);

  cache.Write([&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(2))); });
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(2));
  CHECK(repo.alias_reads == 0);

  cache.Write([&](KeyTransaction& tx) { tx.DeleteAlias(kScope, "alias/app"); });
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == std::nullopt);
  CHECK(repo.alias_reads == 1);
}

TEST_CASE("KeyCache: material removed from a version is dropped, a new version drops nothing") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedMaterial(repo, kScope, KeyIdOf(1), 1, 0x11);
  CountingUnsealer unsealer;
  REQUIRE(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()));
  REQUIRE(repo.material_reads == 1);

  // A rotation appends version 2 with material: version 1 stays warm.
  SealedMaterial v2{Bytes(32, 0x22), ""};
  cache.Write([&](KeyTransaction& tx) { tx.PutMaterial(kScope, KeyIdOf(1), MakeVersion(2), &v2); });
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()) != nullptr);
  CHECK(repo.material_reads == 1);
  auto second = cache.GetMaterial(kScope, KeyIdOf(1), 2, unsealer.fn());
  REQUIRE(second);
  CHECK(second->bytes.bytes() == Bytes(32, 0x22));
  CHECK(repo.material_reads == 2);

  // Imported material deleted (or expired) from version 1: nullptr material.
  cache.Write(
      [&](KeyTransaction& tx) { tx.PutMaterial(kScope, KeyIdOf(1), MakeVersion(1), nullptr); });
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()) == nullptr);
  CHECK(repo.material_reads == 3);
  // Every version of that key was dropped, not only the one changed.
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 2, unsealer.fn()) != nullptr);
  CHECK(repo.material_reads == 4);
}

TEST_CASE("KeyCache: a write that throws changes neither storage nor the cache") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1, "kept"));
  repo.WriteBehind(
      [&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(1))); });
  REQUIRE(cache.GetKey(kScope, KeyIdOf(1)));
  REQUIRE(cache.GetAliasTarget(kScope, "alias/app"));

  CHECK_THROWS_AS(cache.Write([&](KeyTransaction& tx) {
    tx.PutKey(MakeKey(kScope, KeyIdOf(1), 2, "lost"));
    tx.DeleteAlias(kScope, "alias/app");
    throw std::invalid_argument("refused");
  }),
                  std::invalid_argument);

  CHECK(cache.GetKey(kScope, KeyIdOf(1))->description == "kept");
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(1));
  CHECK(repo.key_reads == 1);
  CHECK(repo.alias_reads == 1);
  CHECK(repo.storage.GetKey(kScope, KeyIdOf(1))->description == "kept");
}

TEST_CASE("KeyCache: a transaction run twice applies only what its committed run changed") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1, "stored"));
  REQUIRE(cache.GetKey(kScope, KeyIdOf(1)));
  repo.fail_first_attempt = true;
  int attempt = 0;
  cache.Write([&](KeyTransaction& tx) {
    if (++attempt == 1) {
      tx.PutKey(MakeKey(kScope, KeyIdOf(1), 2, "rolled back"));
    } else {
      tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(1)));
    }
  });
  REQUIRE(attempt == 2);
  CHECK(cache.GetKey(kScope, KeyIdOf(1))->description == "stored");
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(1));
  CHECK(repo.alias_reads == 0);
}

TEST_CASE("KeyCache: Clear forgets keys, aliases and material") {
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  SeedKey(repo, MakeKey(kScope, KeyIdOf(1), 1));
  SeedMaterial(repo, kScope, KeyIdOf(1), 1, 0x11);
  repo.WriteBehind(
      [&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(1))); });
  CountingUnsealer unsealer;
  REQUIRE(cache.GetKey(kScope, KeyIdOf(1)));
  REQUIRE(cache.GetAliasTarget(kScope, "alias/app"));
  REQUIRE(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()));
  repo.Reset();  // what POST /_rotor/reset does to storage
  cache.Clear();
  CHECK(cache.GetKey(kScope, KeyIdOf(1)) == nullptr);
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == std::nullopt);
  CHECK(cache.GetMaterial(kScope, KeyIdOf(1), 1, unsealer.fn()) == nullptr);
  CHECK(repo.key_reads == 2);
  CHECK(repo.alias_reads == 2);
  CHECK(repo.material_reads == 2);
}

TEST_CASE("KeyCache: at capacity an eighth of the entries is dropped, never more") {
  // Storage is emptied behind the cache after loading, so a probe answers from
  // the cache or not at all (a miss is not cached and evicts nothing).
  auto cached_keys = [](KeyCache& cache, int n) {
    int found = 0;
    for (int i = 1; i <= n; ++i) found += cache.GetKey(kScope, KeyIdOf(i)) != nullptr;
    return found;
  };
  ProbeRepository repo;
  KeyCache cache(repo, 16);
  auto load = [&](int from, int to) {
    for (int i = from; i <= to; ++i) {
      SeedKey(repo, MakeKey(kScope, KeyIdOf(i), 1));
      REQUIRE(cache.GetKey(kScope, KeyIdOf(i)));
      repo.WriteBehind([&](KeyTransaction& tx) { tx.DeleteKey(kScope, KeyIdOf(i), kT0); });
    }
  };
  load(1, 16);
  CHECK(cached_keys(cache, 16) == 16);  // full, nothing dropped yet
  load(17, 17);                         // full: drop 16/8 = 2, then add one
  CHECK(cached_keys(cache, 17) == 15);
  CHECK(cache.GetKey(kScope, KeyIdOf(17)) != nullptr);  // the newest is always kept
  load(18, 18);                                         // 15 + 1: full again
  CHECK(cached_keys(cache, 18) == 16);
  load(19, 200);  // from here the count alternates 15, 16, 15...
  CHECK(cached_keys(cache, 200) == 16);
  CHECK(cache.GetKey(kScope, KeyIdOf(200)) != nullptr);

  // A capacity below eight still drops one entry at a time.
  ProbeRepository small_repo;
  KeyCache small(small_repo, 3);
  for (int i = 1; i <= 4; ++i) {
    SeedKey(small_repo, MakeKey(kScope, KeyIdOf(i), 1));
    REQUIRE(small.GetKey(kScope, KeyIdOf(i)));
    small_repo.WriteBehind([&](KeyTransaction& tx) { tx.DeleteKey(kScope, KeyIdOf(i), kT0); });
  }
  CHECK(cached_keys(small, 4) == 3);
}

TEST_CASE("KeyCache: aliases and material have the same bound, counted separately") {
  ProbeRepository repo;
  KeyCache cache(repo, 8);
  CountingUnsealer unsealer;
  for (int i = 1; i <= 9; ++i) {
    std::string name = "alias/a" + std::to_string(i);
    repo.WriteBehind([&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, name, KeyIdOf(i))); });
    REQUIRE(cache.GetAliasTarget(kScope, name) == KeyIdOf(i));
    SeedMaterial(repo, kScope, KeyIdOf(i), 1, static_cast<uint8_t>(i));
    REQUIRE(cache.GetMaterial(kScope, KeyIdOf(i), 1, unsealer.fn()));
  }
  repo.Reset();
  int aliases = 0, materials = 0;
  for (int i = 1; i <= 9; ++i) {
    aliases += cache.GetAliasTarget(kScope, "alias/a" + std::to_string(i)).has_value();
    materials += cache.GetMaterial(kScope, KeyIdOf(i), 1, unsealer.fn()) != nullptr;
  }
  CHECK(aliases == 8);
  CHECK(materials == 8);
  // The material bound counts keys, not versions: many versions of one key
  // are one entry.
  ProbeRepository one_repo;
  KeyCache one(one_repo, 2);
  for (uint32_t v = 1; v <= 5; ++v) SeedMaterial(one_repo, kScope, KeyIdOf(1), v, 0x33);
  for (uint32_t v = 1; v <= 5; ++v)
    REQUIRE(one.GetMaterial(kScope, KeyIdOf(1), v, unsealer.fn()) != nullptr);
  one_repo.Reset();
  for (uint32_t v = 1; v <= 5; ++v)
    CHECK(one.GetMaterial(kScope, KeyIdOf(1), v, unsealer.fn()) != nullptr);
}

TEST_CASE("KeyCache: a load that read the old alias target before a commit cannot outlive it") {
  // Reader: misses, reads alias/app -> key 1 from storage, and is held there.
  // Writer: points alias/app at key 2 and commits while the reader is held.
  // Whatever the order in which the two reach the cache, key 2 must win.
  ProbeRepository repo;
  KeyCache cache(repo, 100);
  repo.WriteBehind(
      [&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(1))); });
  repo.hold_alias_read = true;

  std::optional<std::string> reader_saw;
  std::thread reader([&] { reader_saw = cache.GetAliasTarget(kScope, "alias/app"); });
  {
    std::unique_lock lock(repo.mu);
    REQUIRE(repo.cv.wait_for(lock, std::chrono::seconds(30), [&] { return repo.read_held; }));
  }
  std::thread writer([&] {
    cache.Write(
        [&](KeyTransaction& tx) { tx.PutAlias(MakeAlias(kScope, "alias/app", KeyIdOf(2))); });
  });
  {
    // The commit is durable; its cache update waits for the held load.
    std::unique_lock lock(repo.mu);
    REQUIRE(repo.cv.wait_for(lock, std::chrono::seconds(30), [&] { return repo.committed; }));
    repo.release_read = true;
    repo.cv.notify_all();
  }
  reader.join();
  writer.join();

  CHECK(reader_saw == KeyIdOf(1));  // it began before the commit
  CHECK(cache.GetAliasTarget(kScope, "alias/app") == KeyIdOf(2));
  CHECK(repo.alias_reads == 1);  // served from the cache, not re-read
}

TEST_CASE("KeyCache: concurrent readers never see a key's revision go backwards") {
  // One writer bumps a key 300 times; four readers read it (and, with a
  // capacity of 2 and other keys loaded, keep evicting and reloading it).
  ProbeRepository repo;
  KeyCache cache(repo, 2);
  for (int i = 1; i <= 4; ++i) SeedKey(repo, MakeKey(kScope, KeyIdOf(i), 1));
  constexpr uint64_t kLast = 300;
  std::atomic<bool> done{false};
  std::atomic<int> backwards{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      uint64_t seen = 0;
      for (int i = 0; i < 20000 && !done; ++i) {
        std::shared_ptr<const Key> k = cache.GetKey(kScope, KeyIdOf(1));
        if (!k || k->revision < seen) ++backwards;
        if (k) seen = k->revision;
        cache.GetKey(kScope, KeyIdOf(2 + (i + r) % 3));  // churn the bounded map
      }
    });
  }
  for (uint64_t rev = 2; rev <= kLast; ++rev) {
    cache.Write([&](KeyTransaction& tx) {
      tx.PutKey(MakeKey(kScope, KeyIdOf(1), rev, "r" + std::to_string(rev)));
    });
  }
  done = true;
  for (auto& t : readers) t.join();
  CHECK(backwards == 0);
  std::shared_ptr<const Key> last = cache.GetKey(kScope, KeyIdOf(1));
  REQUIRE(last);
  CHECK(last->revision == kLast);
  CHECK(last->description == "r300");
}
