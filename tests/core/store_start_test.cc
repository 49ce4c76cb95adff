// What a server checks about its store at start: the root key's check value
// (core/root_key_check.h) and the clock stored with the data
// (core/clock_resume.h), on the in-memory reference store.
#include <catch2/catch.hpp>

#include "core/clock_resume.h"
#include "core/root_key_check.h"
#include "storage/memory_key_repository.h"

using namespace rotor;
using namespace rotor::core;

namespace {

Timestamp At(const std::string& text) { return *ParseIso8601(text); }

SecretBytes RootKey(uint8_t fill) { return SecretBytes(Bytes(32, fill)); }

// A key with one version of sealed material under `sealer`.
void PutSealedKey(KeyRepository& repo, const KeySealer& sealer) {
  Key key;
  key.scope = {"111122223333", "us-east-1"};
  key.id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  key.creation_date = At("2026-01-01T00:00:00Z");
  key.policy = "{}";
  key.revision = 1;
  SealedMaterial sealed = sealer.Seal(key.id, 1, SecretBytes(Bytes(32, 7)));
  repo.Write(
      [&](KeyTransaction& tx) {
        tx.PutKey(key);
        tx.PutMaterial(key.scope, key.id,
                       {1, std::string(64, 'a'), key.creation_date, std::nullopt, "", std::nullopt,
                        std::nullopt},
                       &sealed);
      },
      {});
}

}  // namespace

TEST_CASE("A new store records its root key's check value, another root key is refused") {
  storage::MemoryKeyRepository repo;
  SeededRandom random(1);
  KeySealer mine(RootKey(1), random);
  KeySealer other(RootKey(2), random);
  CHECK_FALSE(StoreExpectsRootKey(repo));
  CHECK(CheckRootKey(repo, mine) == RootKeyVerdict::kRecorded);
  CHECK(repo.GetRootKeyCheck() == mine.CheckValue());
  CHECK(mine.CheckValue().size() == 32);
  CHECK(StoreExpectsRootKey(repo));
  CHECK(CheckRootKey(repo, mine) == RootKeyVerdict::kMatches);
  CHECK(CheckRootKey(repo, other) == RootKeyVerdict::kDiffers);
  CHECK(CompareRootKey(repo, other) == RootKeyVerdict::kDiffers);
}

TEST_CASE("A store without a check value gets one only from a root key that unseals its material") {
  storage::MemoryKeyRepository repo;
  SeededRandom random(1);
  KeySealer mine(RootKey(1), random);
  KeySealer other(RootKey(2), random);
  PutSealedKey(repo, mine);
  CHECK(StoreExpectsRootKey(repo));  // keys, even without a check value
  CHECK(CheckRootKey(repo, other) == RootKeyVerdict::kDiffers);
  CHECK_FALSE(repo.GetRootKeyCheck());
  CHECK(CompareRootKey(repo, mine) == RootKeyVerdict::kRecorded);
  CHECK_FALSE(repo.GetRootKeyCheck());  // Compare records nothing
  CHECK(CheckRootKey(repo, mine) == RootKeyVerdict::kRecorded);
  CHECK(repo.GetRootKeyCheck() == mine.CheckValue());
}

TEST_CASE("A virtual clock resumes the stored time, and every move is stored first") {
  storage::MemoryKeyRepository repo;
  Timestamp wall = At("2026-06-01T00:00:00Z");
  ClockResume first = ResumeClock(repo, true, At("2030-01-01T00:00:00Z"), wall);
  CHECK(first.start == At("2030-01-01T00:00:00Z"));
  CHECK_FALSE(first.resumed);
  VirtualClock clock(first.start);
  KeepClockInStore(clock, repo);
  CHECK(clock.AdvanceTo(At("2031-02-05T00:00:00Z")));
  CHECK(repo.GetStoredClock()->virtual_time == At("2031-02-05T00:00:00Z"));
  CHECK_FALSE(clock.AdvanceTo(At("2030-06-01T00:00:00Z")));  // never backwards, nothing stored
  CHECK(repo.GetStoredClock()->virtual_time == At("2031-02-05T00:00:00Z"));

  // Restart without --clock-start, and with one that is earlier or later.
  ClockResume again = ResumeClock(repo, true, std::nullopt, wall);
  CHECK(again.start == At("2031-02-05T00:00:00Z"));
  CHECK(again.resumed == At("2031-02-05T00:00:00Z"));
  ClockResume earlier = ResumeClock(repo, true, At("2030-01-01T00:00:00Z"), wall);
  CHECK(earlier.start == At("2031-02-05T00:00:00Z"));
  CHECK(earlier.ignored_clock_start == At("2030-01-01T00:00:00Z"));
  ClockResume later = ResumeClock(repo, true, At("2040-01-01T00:00:00Z"), wall);
  CHECK(later.start == At("2040-01-01T00:00:00Z"));
  CHECK_FALSE(later.resumed);
}

TEST_CASE("A system clock over data dated ahead of it is told so, a report uses the stored time") {
  storage::MemoryKeyRepository repo;
  Timestamp wall = At("2026-06-01T00:00:00Z");
  ResumeClock(repo, true, At("2031-02-05T00:00:00Z"), wall);
  CHECK(StoreNow(repo, wall) == At("2031-02-05T00:00:00Z"));
  ClockResume system = ResumeClock(repo, false, std::nullopt, wall);
  CHECK(system.start == wall);
  CHECK(system.data_ahead == At("2031-02-05T00:00:00Z"));
  CHECK(StoreNow(repo, wall) == wall);  // last served by the system clock
  // The time is kept, so a later virtual start resumes it.
  CHECK(ResumeClock(repo, true, std::nullopt, wall).resumed == At("2031-02-05T00:00:00Z"));
  // Data that never ran ahead of the wall clock gets no warning.
  storage::MemoryKeyRepository fresh;
  CHECK_FALSE(ResumeClock(fresh, false, std::nullopt, wall).data_ahead);
}
