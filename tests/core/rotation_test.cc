#include <catch2/catch.hpp>
#include <set>

#include "core/pagination.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

namespace {
ListKeyRotationsResult Rotations(ServiceFixture& f, const std::string& id, bool all = false) {
  return f.service.ListKeyRotations(
      f.Ctx(), id, all ? std::optional(IncludeKeyMaterial::kAllKeyMaterial) : std::nullopt, {});
}
}  // namespace

TEST_CASE("Jitter is deterministic, within the window and spread out") {
  JitterModel jitter(99, Days(1));
  Timestamp t = *ParseIso8601("2026-01-01T00:00:00Z");
  CHECK(jitter.JitterFor("a", t) == jitter.JitterFor("a", t));
  std::set<int64_t> seconds;
  for (int i = 0; i < 1000; ++i) {
    Millis j = jitter.JitterFor("key-" + std::to_string(i), t);
    CHECK(j >= Millis(0));
    CHECK(j < Days(1));
    seconds.insert(std::chrono::duration_cast<std::chrono::seconds>(j).count());
  }
  CHECK(seconds.size() > 980);  // 1000 keys enabled at once almost never share a second
  CHECK(JitterModel(100, Days(1)).JitterFor("a", t) != jitter.JitterFor("a", t));
  CHECK(JitterModel(99, Millis(0)).JitterFor("a", t) == Millis(0));
}

TEST_CASE("The next rotation is the anchor plus the period plus jitter") {
  JitterModel jitter(1, std::chrono::hours(6));
  RotationSchedule s;
  Timestamp now = *ParseIso8601("2026-03-01T12:00:00Z");
  EnableRotation(s, "k", 365, now, jitter);
  CHECK(s.anchor == now);
  CHECK(*s.next_rotation == now + Days(365) + jitter.JitterFor("k", now));
  // Changing the period counts from the same anchor.
  EnableRotation(s, "k", 90, now + Days(10), jitter);
  CHECK(*s.next_rotation == now + Days(90) + jitter.JitterFor("k", now));
  // A period already exceeded fires at once.
  EnableRotation(s, "k", 90, now + Days(200), jitter);
  CHECK(*s.next_rotation == now + Days(200));
  DisableRotation(s);
  CHECK_FALSE(s.enabled);
  CHECK_FALSE(s.next_rotation);
}

TEST_CASE("Automatic rotation fires on the clock and old ciphertexts keep decrypting") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, std::nullopt);
  auto status = f.service.GetKeyRotationStatus(f.Ctx(), k.id);
  CHECK(status.enabled);
  CHECK(status.period_days == 365);
  CHECK(status.next_rotation == f.clock.Now() + Days(365));

  std::vector<Bytes> blobs;
  for (int year = 0; year < 10; ++year) {
    blobs.push_back(f.EncryptText(k.id, "year " + std::to_string(year)));
    f.Advance(Days(366));
  }
  auto rotations = Rotations(f, k.id);
  REQUIRE(rotations.rotations.size() == 10);
  for (size_t i = 0; i < rotations.rotations.size(); ++i) {
    CHECK(rotations.rotations[i].version.rotation_type == RotationType::kAutomatic);
    CHECK(rotations.rotations[i].version.created ==
          *ParseIso8601("2026-01-01T00:00:00Z") + Days(365 * static_cast<int>(i + 1)));
  }
  CHECK(rotations.rotations.back().state == KeyMaterialState::kCurrent);
  CHECK(rotations.rotations.front().state == KeyMaterialState::kNonCurrent);
  for (int year = 0; year < 10; ++year)
    CHECK(f.DecryptText(blobs[year]) == "year " + std::to_string(year));
  CHECK(f.service.DescribeKey(f.Ctx(), k.id).current_material_id ==
        rotations.rotations.back().version.material_id);
}

TEST_CASE("A clock jump over three periods leaves three rotations, one per scheduled date") {
  ServiceFixture f;
  Key k = f.NewKey();
  Timestamp start = f.clock.Now();
  f.service.EnableKeyRotation(f.Ctx(), k.id, 90);
  f.Advance(Days(275));
  auto r = Rotations(f, k.id);
  REQUIRE(r.rotations.size() == 3);
  CHECK(r.rotations[0].version.created == start + Days(90));
  CHECK(r.rotations[2].version.created == start + Days(270));
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(), k.id).next_rotation == start + Days(360));
}

TEST_CASE("Disabled keys do not rotate and rotate at once when re-enabled overdue") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, 90);
  f.service.DisableKey(f.Ctx(), k.id);
  CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(), k.id, 100); }) == "DisabledException");
  f.Advance(Days(400));
  CHECK(Rotations(f, k.id).rotations.empty());
  f.service.EnableKey(f.Ctx(), k.id);
  f.service.RunDueEvents(f.clock.Now());
  auto r = Rotations(f, k.id);
  REQUIRE(r.rotations.size() == 1);
  CHECK(r.rotations[0].version.created == f.clock.Now());
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(), k.id).next_rotation == f.clock.Now() + Days(90));
}

TEST_CASE("Pending deletion reports rotation off, cancelling restores it") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, 90);
  f.service.ScheduleKeyDeletion(f.Ctx(), k.id, 30);
  CHECK_FALSE(f.service.GetKeyRotationStatus(f.Ctx(), k.id).enabled);
  CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(), k.id, 90); }) ==
        "KMSInvalidStateException");
  f.service.CancelKeyDeletion(f.Ctx(), k.id);
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(), k.id).enabled);
}

TEST_CASE("On-demand rotation appends a version, keeps the schedule and stops at 25") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, 365);
  Timestamp next = *f.service.GetKeyRotationStatus(f.Ctx(), k.id).next_rotation;
  Bytes before = f.EncryptText(k.id, "v1");
  for (int i = 0; i < 25; ++i) {
    f.Advance(std::chrono::minutes(1));
    f.service.RotateKeyOnDemand(f.Ctx(), k.id);
  }
  CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), k.id); }) ==
        "The on-demand rotations limit has been reached for the given keyId. No more on-demand "
        "rotations can be performed for this key: " +
            k.Arn());
  auto r = Rotations(f, k.id);
  CHECK(r.rotations.size() == 25);
  CHECK(r.rotations[0].version.rotation_type == RotationType::kOnDemand);
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(), k.id).next_rotation == next);
  CHECK(f.DecryptText(before) == "v1");
  CHECK(Rotations(f, k.id, true).rotations.size() == 26);
  CHECK_FALSE(Rotations(f, k.id, true).rotations[0].version.rotation_type);
}

TEST_CASE("On-demand rotation conflicts with an automatic rotation due within 20 minutes") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, 90);
  f.clock.AdvanceTo(f.clock.Now() + Days(90) - std::chrono::minutes(19));
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), k.id); }) == "ConflictException");
}

TEST_CASE("A delayed on-demand rotation shows its start date until it completes") {
  ServiceConfig config = ServiceFixture::DefaultConfig();
  config.on_demand_rotation_delay = std::chrono::seconds(30);
  ServiceFixture f(config);
  Key k = f.NewKey();
  f.service.RotateKeyOnDemand(f.Ctx(), k.id);
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(), k.id).on_demand_started == f.clock.Now());
  CHECK(Rotations(f, k.id).rotations.empty());
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), k.id); }) == "ConflictException");
  f.Advance(std::chrono::seconds(30));
  CHECK_FALSE(f.service.GetKeyRotationStatus(f.Ctx(), k.id).on_demand_started);
  CHECK(Rotations(f, k.id).rotations.size() == 1);
}

TEST_CASE("ListKeyRotations pages through a long history") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.EnableKeyRotation(f.Ctx(), k.id, 90);
  f.Advance(Days(90 * 12 + 1));
  Page page;
  page.limit = 5;
  size_t total = 0;
  for (int guard = 0; guard < 10; ++guard) {
    auto r = f.service.ListKeyRotations(f.Ctx(), k.id, std::nullopt, page);
    total += r.rotations.size();
    if (!r.next_marker) break;
    page.marker = r.next_marker;
  }
  CHECK(total == 12);
}

TEST_CASE("A thousand keys enabled in the same instant spread over the jitter window") {
  ServiceConfig config;
  config.jitter = JitterModel(2026, Days(1));
  ServiceFixture f(config);
  std::set<int64_t> seconds;
  for (int i = 0; i < 1000; ++i) {
    Key k = f.NewKey();
    f.service.EnableKeyRotation(f.Ctx(), k.id, 365);
    Timestamp next = *f.service.GetKeyRotationStatus(f.Ctx(), k.id).next_rotation;
    CHECK(next >= f.clock.Now() + Days(365));
    CHECK(next < f.clock.Now() + Days(366));
    seconds.insert(
        std::chrono::duration_cast<std::chrono::seconds>(next.time_since_epoch()).count());
  }
  CHECK(seconds.size() > 980);
  // ... and they do fire exactly then: after one day past the period, all rotated once.
  auto fired = f.service.RunDueEvents(f.clock.Now() + Days(366));
  CHECK(fired.size() == 1000);
  for (size_t i = 1; i < fired.size(); ++i) CHECK(fired[i - 1].time <= fired[i].time);
}

TEST_CASE("Rotation of keys that cannot rotate is UnsupportedOperationException") {
  ServiceFixture f;
  Key k = f.NewKey();
  CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(), "alias/x", 90); }) ==
        "NotFoundException");
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), k.id); }).empty());
}

TEST_CASE("RotateKeyOnDemand checks the key state before the key spec and the origin") {
  // AWS's recorded answers: a disabled asymmetric key is DisabledException; an
  // EXTERNAL key still waiting for its first material is "<arn> is pending import.".
  ServiceFixture f;
  CreateKeyRequest rsa_req;
  rsa_req.key_spec = KeySpec::kRsa2048;
  rsa_req.key_usage = KeyUsage::kSignVerify;
  Key rsa = f.service.CreateKey(f.Ctx(), rsa_req);
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), rsa.id); }) ==
        "UnsupportedOperationException");
  f.service.DisableKey(f.Ctx(), rsa.id);
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), rsa.id); }) == "DisabledException");
  CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), rsa.id); }) ==
        rsa.Arn() + " is disabled.");

  CreateKeyRequest ext_req;
  ext_req.origin = Origin::kExternal;
  Key ext = f.service.CreateKey(f.Ctx(), ext_req);
  REQUIRE(ext.state == KeyState::kPendingImport);
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), ext.id); }) ==
        "KMSInvalidStateException");
  CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), ext.id); }) ==
        ext.Arn() + " is pending import.");
  CHECK(f.service.DescribeKey(f.Ctx(), ext.id).on_demand_rotations == 0);
}
