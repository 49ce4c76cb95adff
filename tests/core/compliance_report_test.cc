// BuildComplianceReport (core/compliance_report.*) on plain Key values and a
// fixed "now": the rotation coverage figure (the CIS check "ensure rotation for
// customer-created symmetric CMKs is enabled"), overdue rotations, old key
// material, imported material about to expire, keys pending deletion and
// disabled keys still behind an alias, per account and region and overall.
#include "core/compliance_report.h"

#include <catch2/catch.hpp>
#include <set>

#include "storage/memory_key_repository.h"

using namespace rotor::core;

namespace {

const Timestamp kNow = *ParseIso8601("2026-06-01T00:00:00Z");
const Scope kEast{"111122223333", "us-east-1"};
const Scope kWest{"111122223333", "eu-west-1"};
const Scope kOtherAccount{"444455556666", "us-east-1"};

// An Enabled symmetric AWS_KMS customer key with one version, current since
// 100 days before kNow, automatic rotation off.
Key SymmetricKey(const Scope& scope, const std::string& id) {
  Key k;
  k.scope = scope;
  k.id = id;
  k.creation_date = kNow - Days(100);
  k.current_version = 1;
  k.version_count = 1;
  k.current_material_id = std::string(64, 'a');
  k.current_material_since = kNow - Days(100);
  return k;
}

Key WithRotation(Key k, Timestamp next) {
  k.rotation.enabled = true;
  k.rotation.period_days = 365;
  k.rotation.anchor = next - Days(365);
  k.rotation.next_rotation = next;
  return k;
}

Key ImportedKey(const Scope& scope, const std::string& id, std::optional<Timestamp> valid_to) {
  Key k = SymmetricKey(scope, id);
  k.origin = Origin::kExternal;
  k.material_valid_to = valid_to;
  return k;
}

class Store {
 public:
  void Put(const Key& key) {
    repo_.Write([&](KeyTransaction& tx) { tx.PutKey(key); }, {});
  }
  void Alias(const Scope& scope, const std::string& name, const std::string& key_id) {
    repo_.Write([&](KeyTransaction& tx) { tx.PutAlias({scope, name, key_id, kNow, kNow}); }, {});
  }
  void Versions(const Key& key, const std::vector<KeyMaterialVersion>& versions) {
    repo_.Write(
        [&](KeyTransaction& tx) {
          for (const KeyMaterialVersion& v : versions)
            tx.PutMaterial(key.scope, key.id, v, nullptr);
        },
        {});
  }
  ComplianceReport Report(int max_age_days = 365, int expiry_warning_days = 30) {
    KeyInventory inventory(repo_);
    ReportOptions options;
    options.now = kNow;
    options.max_material_age_days = max_age_days;
    options.expiry_warning_days = expiry_warning_days;
    return BuildComplianceReport(inventory, options);
  }

 private:
  rotor::storage::MemoryKeyRepository repo_;
};

std::set<std::string> Ids(const std::vector<ReportEntry>& entries) {
  std::set<std::string> ids;
  for (const ReportEntry& e : entries) ids.insert(e.key_id);
  return ids;
}

const ReportEntry& Only(const std::vector<ReportEntry>& entries) {
  REQUIRE(entries.size() == 1);
  return entries.front();
}

}  // namespace

TEST_CASE("Compliance report: no keys is full coverage and no scope") {
  Store store;
  ComplianceReport r = store.Report();
  CHECK(r.scopes.empty());
  CHECK(r.symmetric_customer_keys == 0);
  CHECK(r.rotation_enabled == 0);
  CHECK(r.coverage_pct == 100.0);
  CHECK(r.options.now == kNow);
  CHECK(r.options.max_material_age_days == 365);
  CHECK(r.options.expiry_warning_days == 30);
}

TEST_CASE("Compliance report: coverage counts symmetric AWS_KMS customer keys only") {
  Store store;
  store.Put(WithRotation(SymmetricKey(kEast, "k1"), kNow + Days(10)));
  store.Put(WithRotation(SymmetricKey(kEast, "k2"), kNow + Days(20)));
  store.Put(SymmetricKey(kEast, "k3"));  // rotation off
  Key disabled = SymmetricKey(kEast, "k4");
  disabled.state = KeyState::kDisabled;  // a disabled key still counts against coverage
  store.Put(disabled);
  Key hmac = SymmetricKey(kEast, "k5");
  hmac.spec = KeySpec::kHmac256;
  hmac.usage = KeyUsage::kGenerateVerifyMac;
  store.Put(hmac);
  Key rsa = SymmetricKey(kEast, "k6");
  rsa.spec = KeySpec::kRsa2048;
  rsa.usage = KeyUsage::kSignVerify;
  store.Put(rsa);
  store.Put(ImportedKey(kEast, "k7", std::nullopt));
  Key aws_managed = SymmetricKey(kEast, "k8");
  aws_managed.manager = KeyManager::kAws;
  store.Put(aws_managed);

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  CHECK(s.scope == kEast);
  CHECK(s.total_keys == 8);
  CHECK(s.symmetric_customer_keys == 4);  // k1-k4
  CHECK(s.rotation_enabled == 2);
  CHECK(s.coverage_pct == 50.0);
  CHECK(Ids(s.rotation_disabled) == std::set<std::string>{"k3", "k4"});
  // HMAC, asymmetric and imported keys cannot have automatic rotation.
  CHECK(Ids(s.cannot_rotate_automatically).count("k5") == 1);
  CHECK(Ids(s.cannot_rotate_automatically).count("k6") == 1);
  CHECK(Ids(s.cannot_rotate_automatically).count("k7") == 1);
  // The AWS managed key is on its own line, in no customer count or list.
  CHECK(s.aws_managed_keys == 1);
  CHECK(r.aws_managed_keys == 1);
  CHECK(Ids(s.rotation_disabled).count("k8") == 0);
  CHECK(Ids(s.cannot_rotate_automatically).count("k8") == 0);
  CHECK(s.rotation_overdue.empty());
  CHECK(s.stale_material.empty());
  CHECK(s.imported_expiring.empty());
  CHECK(s.pending_deletion.empty());
  CHECK(s.disabled_with_aliases.empty());
  CHECK(r.symmetric_customer_keys == 4);
  CHECK(r.rotation_enabled == 2);
  CHECK(r.coverage_pct == 50.0);
}

TEST_CASE("Compliance report: one section per account and region, and the overall figure") {
  Store store;
  store.Put(WithRotation(SymmetricKey(kEast, "e1"), kNow + Days(1)));
  store.Put(SymmetricKey(kEast, "e2"));
  store.Put(SymmetricKey(kEast, "e3"));
  store.Put(WithRotation(SymmetricKey(kWest, "w1"), kNow + Days(1)));
  Key hmac = SymmetricKey(kOtherAccount, "o1");
  hmac.spec = KeySpec::kHmac512;
  hmac.usage = KeyUsage::kGenerateVerifyMac;
  store.Put(hmac);

  ComplianceReport r = store.Report();
  // (account, region) order: eu-west-1 sorts before us-east-1.
  REQUIRE(r.scopes.size() == 3);
  CHECK(r.scopes[0].scope == kWest);
  CHECK(r.scopes[1].scope == kEast);
  CHECK(r.scopes[2].scope == kOtherAccount);
  CHECK(r.scopes[0].coverage_pct == 100.0);
  CHECK(r.scopes[1].total_keys == 3);
  CHECK(r.scopes[1].coverage_pct == Approx(100.0 / 3));
  // No symmetric customer key at all: nothing to cover, 100%.
  CHECK(r.scopes[2].symmetric_customer_keys == 0);
  CHECK(r.scopes[2].coverage_pct == 100.0);
  // Overall: 2 of 4, not the mean of the scopes' percentages.
  CHECK(r.symmetric_customer_keys == 4);
  CHECK(r.rotation_enabled == 2);
  CHECK(r.coverage_pct == 50.0);
}

TEST_CASE("Compliance report: a rotation is overdue once its date is before now") {
  Store store;
  Timestamp late = kNow - Days(2);
  store.Put(WithRotation(SymmetricKey(kEast, "late"), late));
  store.Put(WithRotation(SymmetricKey(kEast, "due-now"), kNow));  // not before now
  store.Put(WithRotation(SymmetricKey(kEast, "future"), kNow + Days(1)));
  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ReportEntry& e = Only(r.scopes[0].rotation_overdue);
  CHECK(e.key_id == "late");
  CHECK(e.arn == "arn:aws:kms:us-east-1:111122223333:key/late");
  CHECK(e.key_spec == "SYMMETRIC_DEFAULT");
  CHECK(e.key_state == "Enabled");
  CHECK(e.date == late);
  CHECK(e.age_days == 100);
  CHECK(r.scopes[0].rotation_enabled == 3);  // overdue keys still have rotation on
  CHECK(r.scopes[0].coverage_pct == 100.0);
}

TEST_CASE("Compliance report: material older than the policy, in whole days") {
  Store store;
  Key old = SymmetricKey(kEast, "old");
  old.current_material_since = kNow - Days(366);
  store.Put(old);
  Key limit = SymmetricKey(kEast, "limit");
  limit.current_material_since = kNow - Days(365);  // exactly the limit: not stale
  store.Put(limit);
  Key almost = SymmetricKey(kEast, "almost");
  almost.current_material_since = kNow - Days(366) + Millis(1);  // 365 whole days
  store.Put(almost);
  Key never_rotated = SymmetricKey(kEast, "never-rotated");
  never_rotated.current_material_since.reset();  // falls back to the creation date
  never_rotated.creation_date = kNow - Days(1000);
  store.Put(never_rotated);
  Key rotated = WithRotation(SymmetricKey(kEast, "rotated"), kNow + Days(5));
  rotated.creation_date = kNow - Days(1000);  // old key, new material
  rotated.current_material_since = kNow - Days(360);
  store.Put(rotated);

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  CHECK(Ids(s.stale_material) == std::set<std::string>{"never-rotated", "old"});
  for (const ReportEntry& e : s.stale_material) {
    CHECK(e.age_days == (e.key_id == "old" ? 366 : 1000));
    CHECK_FALSE(e.date.has_value());
  }
  // A stricter policy moves the line.
  ComplianceReport strict = store.Report(/*max_age_days=*/359);
  CHECK(Ids(strict.scopes[0].stale_material) ==
        std::set<std::string>{"almost", "limit", "never-rotated", "old", "rotated"});
}

TEST_CASE("Compliance report: keys without usable material have no age") {
  Store store;
  Key waiting = ImportedKey(kEast, "waiting", std::nullopt);  // EXTERNAL, nothing imported yet
  waiting.state = KeyState::kPendingImport;
  waiting.current_version = 0;
  waiting.version_count = 0;
  waiting.current_material_id.clear();
  waiting.current_material_since.reset();
  waiting.creation_date = kNow - Days(900);
  store.Put(waiting);
  Key expired = ImportedKey(kEast, "expired", std::nullopt);  // its material expired
  expired.state = KeyState::kPendingImport;
  expired.current_material_since = kNow - Days(900);
  store.Put(expired);

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  CHECK(s.stale_material.empty());
  CHECK(Ids(s.cannot_rotate_automatically) == std::set<std::string>{"expired", "waiting"});
  for (const ReportEntry& e : s.cannot_rotate_automatically) {
    CHECK_FALSE(e.age_days.has_value());
    CHECK(e.key_state == "PendingImport");
  }
  CHECK(s.symmetric_customer_keys == 0);
}

TEST_CASE("Compliance report: imported material expiring within the warning window") {
  Store store;
  store.Put(ImportedKey(kEast, "soon", kNow + Days(10)));
  store.Put(ImportedKey(kEast, "edge", kNow + Days(30)));  // exactly at the window: listed
  store.Put(ImportedKey(kEast, "later", kNow + Days(30) + Millis(1)));
  store.Put(ImportedKey(kEast, "past", kNow - Days(1)));  // expiry due, not yet fired
  store.Put(ImportedKey(kEast, "never", std::nullopt));   // KEY_MATERIAL_DOES_NOT_EXPIRE
  // ValidTo on a key that is not EXTERNAL is not imported material.
  Key odd = SymmetricKey(kEast, "not-imported");
  odd.material_valid_to = kNow + Days(1);
  store.Put(odd);

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  CHECK(Ids(s.imported_expiring) == std::set<std::string>{"edge", "soon"});
  for (const ReportEntry& e : s.imported_expiring) {
    CHECK(e.date == (e.key_id == "soon" ? kNow + Days(10) : kNow + Days(30)));
    CHECK(e.origin == "EXTERNAL");
  }
  // ValidTo has passed, the scheduler has not deleted it yet: expired, on its own.
  const ReportEntry& past = Only(s.imported_expired);
  CHECK(past.key_id == "past");
  CHECK(past.date == kNow - Days(1));
  // Every imported key is also listed as unable to rotate automatically,
  // without the expiry date on that entry.
  CHECK(Ids(s.cannot_rotate_automatically) ==
        std::set<std::string>{"edge", "later", "never", "past", "soon"});
  for (const ReportEntry& e : s.cannot_rotate_automatically) CHECK_FALSE(e.date.has_value());

  CHECK(store.Report(365, 5).scopes[0].imported_expiring.empty());
  CHECK(Ids(store.Report(365, 10).scopes[0].imported_expiring) == std::set<std::string>{"soon"});
  CHECK(s.keys_with_problems == 4);  // soon, edge, past; not-imported (rotation off)
  CHECK(s.excluded.imported == 5);
}

TEST_CASE("Compliance report: expired imported material, from the key's versions once deleted") {
  Store store;
  // KMS deleted the material at its ValidTo (core/scheduler.cc): the key is
  // PendingImport and only the version rows keep the date.
  Key gone = ImportedKey(kEast, "gone", std::nullopt);
  gone.state = KeyState::kPendingImport;
  gone.version_count = 2;
  store.Put(gone);
  KeyMaterialVersion v1{1,  std::string(64, '1'),        kNow - Days(300), std::nullopt,
                        "", ImportState::kPendingImport, kNow - Days(40)};
  KeyMaterialVersion v2{2,  std::string(64, '2'),        kNow - Days(200), RotationType::kOnDemand,
                        "", ImportState::kPendingImport, kNow - Days(20)};
  store.Versions(gone, {v1, v2});
  // Deleted by hand (DeleteImportedKeyMaterial) before its ValidTo: not expired.
  Key deleted = ImportedKey(kEast, "deleted", std::nullopt);
  deleted.state = KeyState::kPendingImport;
  store.Put(deleted);
  KeyMaterialVersion d1{1,  std::string(64, '3'),        kNow - Days(10), std::nullopt,
                        "", ImportState::kPendingImport, kNow + Days(100)};
  store.Versions(deleted, {d1});

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  const ReportEntry& e = Only(s.imported_expired);
  CHECK(e.key_id == "gone");
  CHECK(e.date == kNow - Days(20));  // the latest expiry
  CHECK_FALSE(e.age_days.has_value());
  CHECK(s.imported_expiring.empty());
  CHECK(s.keys_with_problems == 1);
  CHECK(r.keys_with_problems == 1);
}

TEST_CASE("Compliance report: manual rotation due for old keys that cannot rotate automatically") {
  Store store;
  Key rsa = SymmetricKey(kEast, "rsa-old");
  rsa.spec = KeySpec::kRsa2048;
  rsa.usage = KeyUsage::kSignVerify;
  rsa.current_material_since = kNow - Days(400);
  store.Put(rsa);
  Key hmac = SymmetricKey(kEast, "hmac-young");
  hmac.spec = KeySpec::kHmac256;
  hmac.usage = KeyUsage::kGenerateVerifyMac;
  store.Put(hmac);
  Key imported = ImportedKey(kEast, "imported-old", std::nullopt);
  imported.current_material_since = kNow - Days(366);
  store.Put(imported);
  Key symmetric = SymmetricKey(kEast, "symmetric-old");  // can rotate: stale, not manual
  symmetric.current_material_since = kNow - Days(500);
  store.Put(symmetric);
  Key managed = SymmetricKey(kEast, "aws-managed");
  managed.manager = KeyManager::kAws;
  store.Put(managed);
  Key going = SymmetricKey(kEast, "going");
  going.state = KeyState::kPendingDeletion;
  going.deletion_date = kNow + Days(7);
  store.Put(going);

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  CHECK(Ids(s.manual_rotation_due) == std::set<std::string>{"imported-old", "rsa-old"});
  CHECK(Ids(s.stale_material) == std::set<std::string>{"imported-old", "rsa-old", "symmetric-old"});
  // What the coverage figure leaves out, and why.
  CHECK(s.excluded.asymmetric == 1);
  CHECK(s.excluded.hmac == 1);
  CHECK(s.excluded.imported == 1);
  CHECK(s.excluded.pending_deletion == 1);
  CHECK(s.excluded.aws_managed == 1);
  CHECK(s.excluded.Total() == 5);
  CHECK(s.symmetric_customer_keys == 1);
  CHECK(r.excluded.Total() == 5);
  // Distinct keys with problems: symmetric-old (rotation off, stale),
  // rsa-old and imported-old (manual rotation due, stale), going (pending
  // deletion); hmac-young is only "cannot rotate automatically".
  CHECK(s.keys_with_problems == 4);
  CHECK(r.keys_with_problems == 4);
  CHECK(Ids(s.cannot_rotate_automatically) ==
        std::set<std::string>{"hmac-young", "imported-old", "rsa-old"});
}

TEST_CASE("Compliance report: keys pending deletion are listed and left out of coverage") {
  Store store;
  Key going = SymmetricKey(kEast, "going");
  going.state = KeyState::kPendingDeletion;
  going.deletion_date = kNow + Days(7);
  going.pending_window_days = 7;
  going.current_material_since = kNow - Days(500);  // old, but on its way out
  store.Put(going);
  Key going_imported = ImportedKey(kEast, "going-imported", kNow + Days(1));
  going_imported.state = KeyState::kPendingDeletion;
  going_imported.deletion_date = kNow + Days(30);
  store.Put(going_imported);
  store.Alias(kEast, "alias/going", "going");
  store.Put(WithRotation(SymmetricKey(kEast, "staying"), kNow + Days(1)));

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ScopeReport& s = r.scopes[0];
  CHECK(s.total_keys == 3);
  REQUIRE(s.pending_deletion.size() == 2);
  CHECK(s.pending_deletion[0].key_id == "going");
  CHECK(s.pending_deletion[0].key_state == "PendingDeletion");
  CHECK(s.pending_deletion[0].date == kNow + Days(7));
  CHECK(s.pending_deletion[0].aliases == std::vector<std::string>{"alias/going"});
  CHECK(s.pending_deletion[0].age_days == 500);
  CHECK(s.pending_deletion[1].key_id == "going-imported");
  CHECK(s.pending_deletion[1].date == kNow + Days(30));
  // Listed once, under pending deletion only.
  CHECK(s.stale_material.empty());
  CHECK(s.imported_expiring.empty());
  CHECK(s.cannot_rotate_automatically.empty());
  CHECK(s.rotation_disabled.empty());
  CHECK(s.symmetric_customer_keys == 1);
  CHECK(s.coverage_pct == 100.0);
}

TEST_CASE("Compliance report: disabled keys still behind an alias") {
  Store store;
  Key behind = SymmetricKey(kEast, "behind");
  behind.state = KeyState::kDisabled;
  store.Put(behind);
  store.Alias(kEast, "alias/b-second", "behind");
  store.Alias(kEast, "alias/a-first", "behind");
  Key alone = SymmetricKey(kEast, "alone");
  alone.state = KeyState::kDisabled;
  store.Put(alone);
  store.Put(SymmetricKey(kEast, "enabled"));
  store.Alias(kEast, "alias/enabled", "enabled");
  // The same alias name in another region points elsewhere.
  store.Alias(kWest, "alias/a-first", "alone");

  ComplianceReport r = store.Report();
  REQUIRE(r.scopes.size() == 1);
  const ReportEntry& e = Only(r.scopes[0].disabled_with_aliases);
  CHECK(e.key_id == "behind");
  CHECK(e.key_state == "Disabled");
  CHECK(e.aliases == std::vector<std::string>{"alias/a-first", "alias/b-second"});
  CHECK_FALSE(e.date.has_value());
  CHECK(Ids(r.scopes[0].rotation_disabled) == std::set<std::string>{"alone", "behind", "enabled"});
}
