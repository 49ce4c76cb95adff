// AdvanceTime: the one "time moves, fire what falls due" use case of the
// background worker, the start-up catch-up and POST /_rotor/clock.
#include "core/advance_time.h"

#include <catch2/catch.hpp>

#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

namespace {

Key RotatingKey(ServiceFixture& f, int period_days) {
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, period_days);
  return k;
}

}  // namespace

TEST_CASE(
    "Advancing time fires what falls due in time order, each at its own instant, then "
    "moves the clock") {
  ServiceFixture f;
  Timestamp t0 = f.clock.Now();
  Key rotating = RotatingKey(f, 90);
  Key leaving = f.NewKey();
  f.service.ScheduleKeyDeletion(f.Ctx(), leaving.id, 7);

  AdvanceResult r = AdvanceTime(f.service, t0 + Days(200), &f.clock);
  CHECK(r.now == t0 + Days(200));
  CHECK(f.clock.Now() == t0 + Days(200));
  REQUIRE(r.listed.size() == 3);
  CHECK(r.count == 3);
  CHECK(r.listed[0].kind == ServiceEventKind::kDeleteKey);
  CHECK(r.listed[0].key_id == leaving.id);
  CHECK(r.listed[0].time == t0 + Days(7));
  CHECK(r.listed[1].kind == ServiceEventKind::kRotateKey);
  CHECK(r.listed[1].rotation_type == RotationType::kAutomatic);
  CHECK(r.listed[1].key_id == rotating.id);
  CHECK(r.listed[1].time == t0 + Days(90));
  CHECK(r.listed[2].time == t0 + Days(180));
  CHECK(r.count_by_event ==
        std::map<ServiceEventKind, uint64_t>{{ServiceEventKind::kRotateKey, 2},
                                             {ServiceEventKind::kDeleteKey, 1}});
  // The versions are dated by their due instants, not by the time reached.
  CHECK(f.service.ListKeyRotations(f.Ctx(), rotating.id, std::nullopt, {}).rotations.size() == 2);

  // Nothing more is due: a second move fires nothing.
  AdvanceResult again = AdvanceTime(f.service, t0 + Days(201), &f.clock);
  CHECK(again.count == 0);
  CHECK(again.listed.empty());
  CHECK(f.clock.Now() == t0 + Days(201));
}

TEST_CASE("A far jump fires in slices, lists only the first events and counts all of them") {
  // Three keys rotating every 90 days for ten years: 40 rotations each.
  ServiceFixture sliced;
  ServiceFixture whole;
  Timestamp t0 = sliced.clock.Now();
  for (int i = 0; i < 3; ++i) {
    RotatingKey(sliced, 90);
    RotatingKey(whole, 90);
  }
  Timestamp target = t0 + Days(3650);
  AdvanceResult r = AdvanceTime(sliced.service, target, &sliced.clock, {/*slice=*/7, /*listed=*/5});
  AdvanceResult all = AdvanceTime(whole.service, target, &whole.clock);
  CHECK(r.count == 120);
  CHECK(all.count == 120);
  CHECK(r.count_by_event ==
        std::map<ServiceEventKind, uint64_t>{{ServiceEventKind::kRotateKey, 120}});
  REQUIRE(r.listed.size() == 5);
  REQUIRE(all.listed.size() == 120);
  for (size_t i = 0; i < r.listed.size(); ++i) {
    CHECK(r.listed[i].time == all.listed[i].time);
    if (i > 0) CHECK(r.listed[i - 1].time <= r.listed[i].time);
  }
  CHECK(r.listed.back().time == t0 + Days(180));  // three at day 90, then day 180
  CHECK(sliced.clock.Now() == target);
  // However it was sliced, every key gained the same ring.
  std::vector<KeyListEntry> keys = sliced.service.ListKeys(sliced.Ctx(), {}).keys;
  REQUIRE(keys.size() == 3);
  for (const KeyListEntry& k : keys) {
    CHECK(sliced.service.ListKeyRotations(sliced.Ctx(), k.key_id, std::nullopt, Page{1000, {}})
              .rotations.size() == 40);
  }
}

TEST_CASE("Without a clock to move, AdvanceTime only catches up with what is due") {
  // The background worker and the start-up catch-up: time moved on its own
  // (the system clock, or a server that was down).
  ServiceFixture f;
  Timestamp t0 = f.clock.Now();
  RotatingKey(f, 30);
  f.clock.AdvanceTo(t0 + Days(65));  // moved without firing anything
  AdvanceResult r = AdvanceTime(f.service, f.clock.Now());
  CHECK(r.count == 2);
  CHECK(f.clock.Now() == t0 + Days(65));
  CHECK(AdvanceTime(f.service, f.clock.Now()).count == 0);  // each event fires once
}

TEST_CASE("The next event is the earliest of every key's, and moving to it fires exactly it") {
  ServiceFixture f;
  Timestamp t0 = f.clock.Now();
  CHECK_FALSE(f.service.NextEventTime());  // no key, nothing scheduled
  f.NewKey();                              // a key without rotation schedules nothing
  CHECK_FALSE(f.service.NextEventTime());
  Key rotating = RotatingKey(f, 90);
  CHECK(f.service.NextEventTime() == t0 + Days(90));
  Key leaving = f.NewKey();
  f.service.ScheduleKeyDeletion(f.Ctx(), leaving.id, 30);
  CHECK(f.service.NextEventTime() == t0 + Days(30));

  // Event by event, as `rotor clock advance next` moves: the deletion, then the rotations.
  AdvanceResult first = AdvanceTime(f.service, *f.service.NextEventTime(), &f.clock);
  REQUIRE(first.listed.size() == 1);
  CHECK(first.listed[0].kind == ServiceEventKind::kDeleteKey);
  CHECK(f.clock.Now() == t0 + Days(30));
  CHECK(f.service.NextEventTime() == t0 + Days(90));
  AdvanceResult second = AdvanceTime(f.service, *f.service.NextEventTime(), &f.clock);
  REQUIRE(second.listed.size() == 1);
  CHECK(second.listed[0].key_id == rotating.id);
  CHECK(f.service.NextEventTime() == t0 + Days(180));

  f.service.DisableKeyRotation(f.Ctx(), rotating.id);
  CHECK_FALSE(f.service.NextEventTime());
}

TEST_CASE(
    "A deletion fired at a virtual time dates the key's tombstone with that time, not the "
    "machine's clock") {
  ServiceFixture f;  // a virtual clock at 2026-01-01, far from the machine's
  Timestamp t0 = f.clock.Now();
  Key leaving = f.NewKey();
  f.service.ScheduleKeyDeletion(f.Ctx(), leaving.id, 7);
  CHECK_FALSE(f.repo.DeletionDate(leaving.scope, leaving.id));

  AdvanceResult r = AdvanceTime(f.service, t0 + Days(30), &f.clock);
  REQUIRE(r.listed.size() == 1);
  CHECK(r.listed[0].kind == ServiceEventKind::kDeleteKey);
  // The instant the deletion took effect (its DeletionDate, the DeleteKey
  // event's time), not the time the clock was moved to.
  CHECK(f.repo.DeletionDate(leaving.scope, leaving.id) == t0 + Days(7));
  CHECK(f.repo.DeletionDate(leaving.scope, leaving.id) == r.listed[0].time);
}
