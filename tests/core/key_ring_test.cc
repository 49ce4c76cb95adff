// KeyRing with plain values: a Key and its version rows, no repository, no
// service, no clock. Each rule of key_ring.h is checked here, with the rows
// each change reports (what the service writes) and the Key fields it moves.
#include <catch2/catch.hpp>

#include "core/key_ring.h"
#include "core/kms_error.h"

using namespace rotor::core;

namespace {

const Timestamp kT0 = *ParseIso8601("2026-01-01T00:00:00Z");
const std::string kKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

std::string Id(char c) { return std::string(64, c); }  // a KeyMaterialId

Key NewKey(Origin origin, KeySpec spec = KeySpec::kSymmetricDefault) {
  Key k;
  k.scope = {"111122223333", "us-east-1"};
  k.id = kKeyId;
  k.creation_date = kT0;
  k.spec = spec;
  k.origin = origin;
  k.state = origin == Origin::kExternal ? KeyState::kPendingImport : KeyState::kEnabled;
  return k;
}

KeyMaterialVersion Generated(const std::string& id, Timestamp at,
                             std::optional<RotationType> type = std::nullopt) {
  KeyMaterialVersion v;
  v.material_id = id;
  v.created = at;
  v.rotation_type = type;
  return v;
}

MaterialImport Material(const std::string& id, Timestamp at,
                        std::optional<ImportType> type = std::nullopt,
                        std::optional<Timestamp> valid_to = std::nullopt,
                        std::optional<std::string> description = std::nullopt) {
  return {id, type, at, std::move(description), valid_to};
}

struct Thrown {
  std::string name;  // "" when nothing was thrown
  std::string message;
};
template <typename Fn>
Thrown ThrownBy(Fn&& fn) {
  try {
    fn();
  } catch (const KmsError& e) {
    return {std::string(e.name()), e.message()};
  }
  return {};
}

// An EXTERNAL key whose first material (Id('a'), imported at kT0) is current.
KeyRing ImportedRing(std::optional<Timestamp> valid_to = std::nullopt) {
  KeyRing ring(NewKey(Origin::kExternal));
  ring.Import(Material(Id('a'), kT0, std::nullopt, valid_to, "first"));
  return ring;
}

}  // namespace

TEST_CASE("Versions are numbered from 1 and every generated version becomes current at once") {
  KeyRing ring(NewKey(Origin::kAwsKms));
  KeyRing::Rows first = ring.Append(Generated(Id('a'), kT0));
  REQUIRE(first.size() == 1);
  CHECK(first[0].version == 1);
  CHECK(first[0].material_id == Id('a'));
  CHECK_FALSE(first[0].rotation_type.has_value());
  CHECK(ring.key().current_version == 1);
  CHECK(ring.key().current_material_id == Id('a'));
  CHECK(ring.key().current_material_since == kT0);
  CHECK(ring.key().version_count == 1);

  Timestamp year = kT0 + Days(365);
  KeyRing::Rows second = ring.Append(Generated(Id('b'), year, RotationType::kAutomatic));
  REQUIRE(second.size() == 1);
  CHECK(second[0].version == 2);
  CHECK(second[0].rotation_type == RotationType::kAutomatic);
  CHECK(second[0].created == year);
  CHECK(ring.key().current_version == 2);
  CHECK(ring.key().current_material_id == Id('b'));
  CHECK(ring.key().current_material_since == year);
  CHECK(ring.key().version_count == 2);
  CHECK(ring.StateOf(1) == KeyMaterialState::kNonCurrent);
  CHECK(ring.StateOf(2) == KeyMaterialState::kCurrent);
  CHECK(ring.versions().size() == 2);
  CHECK(ring.key().state == KeyState::kEnabled);  // generated material does not settle state
  CHECK_FALSE(ring.key().material_valid_to.has_value());
}

TEST_CASE(
    "Append keeps the version as described: id, date and type, only the number is the ring's") {
  KeyRing ring(NewKey(Origin::kAwsKms));
  ring.Append(Generated(Id('a'), kT0));
  // A version as a replica would receive it from its primary: same id and date.
  KeyMaterialVersion v = Generated(Id('c'), kT0 + Days(90), RotationType::kOnDemand);
  v.version = 77;  // ignored: the ring numbers its versions
  KeyRing::Rows rows = ring.Append(v);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 2);
  CHECK(rows[0].material_id == Id('c'));
  CHECK(rows[0].created == kT0 + Days(90));
  CHECK(rows[0].rotation_type == RotationType::kOnDemand);
  CHECK(ring.versions().back().material_id == Id('c'));

  Thrown no_id = ThrownBy([&] { ring.Append(Generated("", kT0)); });
  CHECK(no_id.name == "KMSInternalException");
  CHECK(ring.key().version_count == 2);
}

TEST_CASE("A ring of 10,000 versions appends from the key's summary alone") {
  Key k = NewKey(Origin::kAwsKms);
  k.version_count = 10000;
  k.MakeCurrent(10000, Id('9'), kT0);
  KeyRing ring(k);
  CHECK_FALSE(ring.HasEveryVersion());
  CHECK(ring.PendingVersion() == nullptr);
  KeyRing::Rows rows = ring.Append(Generated(Id('a'), kT0 + Days(1), RotationType::kOnDemand));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 10001);
  CHECK(ring.key().current_version == 10001);
  CHECK(ring.key().version_count == 10001);
  CHECK(ring.versions().size() == 1);  // only the appended row is held
  CHECK(ring.StateOf(10000) == KeyMaterialState::kNonCurrent);
  // Rules over every version refuse a ring without its rows.
  CHECK(ThrownBy([&] { ring.Find(Id('9')); }).name == "KMSInternalException");
  CHECK(ThrownBy([&] { ring.ExpireImported(kT0); }).name == "KMSInternalException");
}

TEST_CASE("A ring is built from no rows or from every row in number order") {
  Key k = NewKey(Origin::kAwsKms);
  k.version_count = 2;
  k.MakeCurrent(2, Id('b'), kT0);
  KeyMaterialVersion v1 = Generated(Id('a'), kT0);
  v1.version = 1;
  KeyMaterialVersion v2 = Generated(Id('b'), kT0, RotationType::kAutomatic);
  v2.version = 2;
  CHECK(KeyRing(k, {v1, v2}).HasEveryVersion());
  CHECK(KeyRing(k).versions().empty());
  CHECK(ThrownBy([&] { KeyRing(k, {v2}); }).name == "KMSInternalException");
  CHECK(ThrownBy([&] { KeyRing(k, {v2, v1}); }).name == "KMSInternalException");
  CHECK(KeyRing(k, {v1, v2}).Find(Id('b'))->version == 2);
  CHECK(KeyRing(k, {v1, v2}).Find(Id('c')) == nullptr);
}

TEST_CASE("StateOf: the current version, the ones below it, and the one above it") {
  Key k = NewKey(Origin::kExternal);
  k.version_count = 3;
  k.MakeCurrent(2, Id('b'), kT0);
  CHECK(KeyRing::StateOf(k, 1) == KeyMaterialState::kNonCurrent);
  CHECK(KeyRing::StateOf(k, 2) == KeyMaterialState::kCurrent);
  CHECK(KeyRing::StateOf(k, 3) == KeyMaterialState::kPendingRotation);
  CHECK(KeyRing::PendingVersionNumber(k) == 3u);
  k.MakeCurrent(3, Id('c'), kT0);
  CHECK_FALSE(KeyRing::PendingVersionNumber(k).has_value());
  CHECK(KeyRing::StateOf(k, 2) == KeyMaterialState::kNonCurrent);
}

TEST_CASE(
    "ROTATIONS_ONLY lists rotated versions that have been current, not the first or pending") {
  Key k = NewKey(Origin::kExternal);
  k.version_count = 3;
  k.MakeCurrent(2, Id('b'), kT0);
  KeyMaterialVersion first = Generated(Id('a'), kT0);
  first.version = 1;
  KeyMaterialVersion rotated = Generated(Id('b'), kT0, RotationType::kOnDemand);
  rotated.version = 2;
  KeyMaterialVersion pending = Generated(Id('c'), kT0);
  pending.version = 3;
  CHECK_FALSE(KeyRing::ListedAsRotation(k, first));
  CHECK(KeyRing::ListedAsRotation(k, rotated));
  CHECK_FALSE(KeyRing::ListedAsRotation(k, pending));
}

TEST_CASE("First import: new material by default, current at once, the key Enabled") {
  KeyRing ring(NewKey(Origin::kExternal));
  CHECK(ring.key().current_version == 0);
  ImportSlot slot = ring.ImportSlotFor(Id('a'), std::nullopt);
  CHECK(slot.version == 1);
  CHECK_FALSE(slot.existing);
  Timestamp valid_to = kT0 + Days(30);
  KeyRing::Rows rows = ring.Import(Material(Id('a'), kT0, std::nullopt, valid_to, "from the HSM"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 1);
  CHECK(rows[0].material_id == Id('a'));
  CHECK(rows[0].created == kT0);
  CHECK(rows[0].description == "from the HSM");
  CHECK(rows[0].import_state == ImportState::kImported);
  CHECK(rows[0].valid_to == valid_to);
  CHECK_FALSE(rows[0].rotation_type.has_value());
  const Key& k = ring.key();
  CHECK(k.current_version == 1);
  CHECK(k.current_material_id == Id('a'));
  CHECK(k.current_material_since == kT0);
  CHECK(k.version_count == 1);
  CHECK(k.state == KeyState::kEnabled);
  CHECK(k.material_valid_to == valid_to);
}

TEST_CASE("First import with ImportType EXISTING_KEY_MATERIAL has nothing to match") {
  KeyRing ring(NewKey(Origin::kExternal));
  Thrown t =
      ThrownBy([&] { ring.Import(Material(Id('a'), kT0, ImportType::kExistingKeyMaterial)); });
  CHECK(t.name == "IncorrectKeyMaterialException");
  CHECK(t.message ==
        "The key material in the request is, expired, invalid, or is not the same key material "
        "that was previously imported into this KMS key.");
  CHECK(ring.key().version_count == 0);
  CHECK(ring.key().state == KeyState::kPendingImport);
}

TEST_CASE("Re-import of existing material goes back into its version with the new ValidTo") {
  KeyRing ring = ImportedRing(kT0 + Days(2));
  ring.DeleteMaterial(1);
  CHECK(ring.key().state == KeyState::kPendingImport);

  Timestamp later = kT0 + Days(5);
  ImportSlot slot = ring.ImportSlotFor(Id('a'), std::nullopt);  // later imports default to EXISTING
  CHECK(slot.version == 1);
  CHECK(slot.existing);
  KeyRing::Rows rows = ring.Import(Material(Id('a'), later));  // now without expiry
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 1);
  CHECK(rows[0].import_state == ImportState::kImported);
  CHECK_FALSE(rows[0].valid_to.has_value());
  CHECK(rows[0].description == "first");  // kept: no description given
  CHECK(rows[0].created == kT0);          // the version's date does not move
  CHECK(ring.key().state == KeyState::kEnabled);
  CHECK_FALSE(ring.key().material_valid_to.has_value());
  CHECK(ring.key().version_count == 1);
  CHECK(ring.key().current_material_since == kT0);

  rows = ring.Import(
      Material(Id('a'), later, ImportType::kExistingKeyMaterial, std::nullopt, "renamed"));
  CHECK(rows[0].description == "renamed");
  // Other bytes are not this key's material.
  CHECK(ThrownBy([&] { ring.Import(Material(Id('b'), later)); }).name ==
        "IncorrectKeyMaterialException");
  // The same bytes are not new material.
  CHECK(ThrownBy([&] {
          ring.Import(Material(Id('a'), later, ImportType::kNewKeyMaterial));
        }).name == "IncorrectKeyMaterialException");
}

TEST_CASE("New material after the first waits PENDING_ROTATION in the slot above the current") {
  KeyRing ring = ImportedRing();
  Timestamp at = kT0 + Days(1);
  Timestamp valid_to = kT0 + Days(60);
  ImportSlot slot = ring.ImportSlotFor(Id('b'), ImportType::kNewKeyMaterial);
  CHECK(slot.version == 2);
  CHECK_FALSE(slot.existing);
  KeyRing::Rows rows =
      ring.Import(Material(Id('b'), at, ImportType::kNewKeyMaterial, valid_to, "second"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 2);
  CHECK(rows[0].material_id == Id('b'));
  CHECK(rows[0].created == at);
  CHECK(rows[0].description == "second");
  CHECK(rows[0].import_state == ImportState::kImported);
  CHECK_FALSE(rows[0].rotation_type.has_value());
  const Key& k = ring.key();
  CHECK(k.current_version == 1);  // not yet current
  CHECK(k.current_material_id == Id('a'));
  CHECK(k.version_count == 2);
  CHECK(k.state == KeyState::kEnabled);
  CHECK(k.material_valid_to == valid_to);  // pending material's ValidTo counts too
  CHECK(ring.StateOf(2) == KeyMaterialState::kPendingRotation);
  REQUIRE(ring.PendingVersion() != nullptr);
  CHECK(ring.PendingVersion()->material_id == Id('b'));
}

TEST_CASE("A second NEW_KEY_MATERIAL while one is pending is refused and changes nothing") {
  KeyRing ring = ImportedRing();
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial));
  std::string expected = "New key material (id: " + Id('c') + ") cannot be imported into KMS key " +
                         "arn:aws:kms:us-east-1:111122223333:key/" + kKeyId +
                         ", because another key material (id: " + Id('b') +
                         ") is pending rotation.";
  Thrown slot = ThrownBy([&] { ring.ImportSlotFor(Id('c'), ImportType::kNewKeyMaterial); });
  CHECK(slot.name == "KMSInvalidStateException");
  CHECK(slot.message == expected);
  Thrown import =
      ThrownBy([&] { ring.Import(Material(Id('c'), kT0, ImportType::kNewKeyMaterial)); });
  CHECK(import.message == expected);
  // Generated material cannot jump the queue either.
  CHECK(ThrownBy([&] { ring.Append(Generated(Id('c'), kT0)); }).name == "KMSInvalidStateException");
  CHECK(ring.key().version_count == 2);
  CHECK(ring.versions().size() == 2);
  CHECK(ring.PendingVersion()->material_id == Id('b'));
}

TEST_CASE("A pending slot whose material was deleted is free again for other new material") {
  KeyRing ring = ImportedRing();
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial, std::nullopt, "second"));
  KeyRing::Rows deleted = ring.DeleteMaterial(2);
  REQUIRE(deleted.size() == 1);
  CHECK(deleted[0].import_state == ImportState::kPendingImport);
  CHECK(ring.key().state == KeyState::kEnabled);  // pending material does not make the key wait

  Timestamp at = kT0 + Days(3);
  CHECK(ring.ImportSlotFor(Id('c'), ImportType::kNewKeyMaterial).version == 2);
  KeyRing::Rows rows = ring.Import(Material(Id('c'), at, ImportType::kNewKeyMaterial));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 2);
  CHECK(rows[0].material_id == Id('c'));
  CHECK(rows[0].created == at);
  CHECK(rows[0].description.empty());  // the old row is replaced, description included
  CHECK(ring.key().version_count == 2);
  CHECK(ring.versions().size() == 2);
  CHECK(ring.Find(Id('b')) == nullptr);
}

TEST_CASE("Only symmetric encryption keys take new material after the first import") {
  KeyRing ring(NewKey(Origin::kExternal, KeySpec::kRsa2048));
  ring.Import(Material(Id('a'), kT0));
  Thrown t = ThrownBy([&] { ring.ImportSlotFor(Id('b'), ImportType::kNewKeyMaterial); });
  CHECK(t.name == "ValidationException");
  CHECK(t.message ==
        "Only symmetric encryption KMS keys accept new key material after the first import; "
        "arn:aws:kms:us-east-1:111122223333:key/" +
            kKeyId + " has key spec RSA_2048.");
  // Re-importing its one material is fine.
  CHECK(ring.Import(Material(Id('a'), kT0))[0].version == 1);
}

TEST_CASE("Promotion: the pending version becomes current, ON_DEMAND, dated by the rotation") {
  KeyRing ring = ImportedRing();
  std::string none =
      "No available key material pending rotation for the key: "
      "arn:aws:kms:us-east-1:111122223333:key/" +
      kKeyId + ".";
  Thrown t = ThrownBy([&] { ring.PromotePending(kT0); });
  CHECK(t.name == "KMSInvalidStateException");
  CHECK(t.message == none);

  ring.Import(Material(Id('b'), kT0 + Days(1), ImportType::kNewKeyMaterial));
  Timestamp at = kT0 + Days(2);
  KeyRing::Rows rows = ring.PromotePending(at);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 2);
  CHECK(rows[0].material_id == Id('b'));
  CHECK(rows[0].rotation_type == RotationType::kOnDemand);
  CHECK(rows[0].created == at);  // RotationDate
  CHECK(rows[0].import_state == ImportState::kImported);
  CHECK(ring.key().current_version == 2);
  CHECK(ring.key().current_material_id == Id('b'));
  CHECK(ring.key().current_material_since == at);
  CHECK(ring.StateOf(1) == KeyMaterialState::kNonCurrent);
  CHECK(ring.PendingVersion() == nullptr);
  CHECK(KeyRing::ListedAsRotation(ring.key(), rows[0]));
  CHECK(ThrownBy([&] { ring.PromotePending(at); }).message == none);  // nothing left to promote
}

TEST_CASE("Pending material whose bytes are gone cannot be promoted") {
  KeyRing ring = ImportedRing();
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial));
  ring.DeleteMaterial(2);
  CHECK(ThrownBy([&] { ring.PromotePending(kT0); }).name == "KMSInvalidStateException");
  CHECK(ring.key().current_version == 1);
}

TEST_CASE("Expiry of the current material: the row stays PENDING_IMPORT, the key PendingImport") {
  Timestamp valid_to = kT0 + Days(2);
  KeyRing ring = ImportedRing(valid_to);
  CHECK(ring.ExpireImported(valid_to - Millis(1)).empty());
  CHECK(ring.key().state == KeyState::kEnabled);
  KeyRing::Rows expired = ring.ExpireImported(valid_to);  // at ValidTo exactly
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].version == 1);
  CHECK(expired[0].material_id == Id('a'));
  CHECK(expired[0].import_state == ImportState::kPendingImport);
  CHECK(expired[0].description == "first");
  CHECK(ring.key().state == KeyState::kPendingImport);
  CHECK_FALSE(ring.key().material_valid_to.has_value());
  CHECK(ring.key().current_version == 1);                    // still the version Encrypt would use
  CHECK(ring.ExpireImported(valid_to + Days(400)).empty());  // nothing expires twice
}

TEST_CASE("Expiry of non-current material also makes the key wait for it") {
  Timestamp valid_to = kT0 + Days(10);
  KeyRing ring = ImportedRing(valid_to);
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial));
  ring.PromotePending(kT0 + Days(1));
  KeyRing::Rows expired = ring.ExpireImported(valid_to);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].material_id == Id('a'));
  CHECK(ring.StateOf(expired[0].version) == KeyMaterialState::kNonCurrent);
  CHECK(ring.key().state == KeyState::kPendingImport);
  CHECK(ring.key().current_material_id == Id('b'));
  // The same material brings the key back.
  ring.Import(Material(Id('a'), kT0 + Days(11)));
  CHECK(ring.key().state == KeyState::kEnabled);
}

TEST_CASE("Expiry of pending material leaves the key usable and nothing to rotate onto") {
  KeyRing ring = ImportedRing();
  Timestamp valid_to = kT0 + Days(1);
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial, valid_to));
  KeyRing::Rows expired = ring.ExpireImported(valid_to + Days(1));
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].version == 2);
  CHECK(ring.key().state == KeyState::kEnabled);
  CHECK(ThrownBy([&] { ring.PromotePending(valid_to); }).name == "KMSInvalidStateException");
}

TEST_CASE("The earliest ValidTo is the key's next expiry, each expiry takes what is due") {
  KeyRing ring = ImportedRing(kT0 + Days(5));
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial, kT0 + Days(3)));
  CHECK(ring.key().material_valid_to == kT0 + Days(3));
  KeyRing::Rows expired = ring.ExpireImported(kT0 + Days(4));
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].material_id == Id('b'));
  CHECK(ring.key().material_valid_to == kT0 + Days(5));
  CHECK(ring.key().state == KeyState::kEnabled);
  // Both due at once: both go in one call, in number order.
  KeyRing both = ImportedRing(kT0 + Days(5));
  both.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial, kT0 + Days(3)));
  KeyRing::Rows all = both.ExpireImported(kT0 + Days(9));
  REQUIRE(all.size() == 2);
  CHECK(all[0].version == 1);
  CHECK(all[1].version == 2);
  CHECK(both.key().state == KeyState::kPendingImport);
}

TEST_CASE("DeleteImportedKeyMaterial: the current version by default, or the one named") {
  KeyRing empty(NewKey(Origin::kExternal));
  CHECK(empty.MaterialToDelete(std::nullopt) == nullptr);  // nothing imported yet
  Thrown unknown = ThrownBy([&] { empty.MaterialToDelete(Id('z')); });
  CHECK(unknown.name == "NotFoundException");
  CHECK(unknown.message == "Key material " + Id('z') +
                               " is not associated with arn:aws:kms:us-east-1:111122223333:key/" +
                               kKeyId + ".");

  KeyRing ring = ImportedRing(kT0 + Days(7));
  ring.Import(Material(Id('b'), kT0, ImportType::kNewKeyMaterial));
  CHECK(ring.MaterialToDelete(std::nullopt)->material_id == Id('a'));
  CHECK(ring.MaterialToDelete(Id('b'))->version == 2);
  KeyRing::Rows rows = ring.DeleteMaterial(1);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].import_state == ImportState::kPendingImport);
  CHECK(rows[0].valid_to == kT0 + Days(7));  // the row keeps what it was imported with
  CHECK(ring.key().state == KeyState::kPendingImport);
  CHECK_FALSE(ring.key().material_valid_to.has_value());  // nothing imported left to expire
  CHECK(ring.DeleteMaterial(1).empty());                  // already gone: no row changes
}

TEST_CASE("The key's state follows its material but Disabled and PendingDeletion are kept") {
  SECTION("Disabled with all material present stays Disabled") {
    KeyRing ring = ImportedRing();
    KeyRing::Rows rows = ring.versions();
    Key k = std::move(ring).TakeKey();
    k.state = KeyState::kDisabled;
    KeyRing disabled(k, rows);
    disabled.Import(Material(Id('a'), kT0));
    CHECK(disabled.key().state == KeyState::kDisabled);
    // ...but loses its material like any key, and comes back Enabled.
    disabled.DeleteMaterial(1);
    CHECK(disabled.key().state == KeyState::kPendingImport);
    disabled.Import(Material(Id('a'), kT0));
    CHECK(disabled.key().state == KeyState::kEnabled);
  }
  SECTION("PendingDeletion is never changed, while the next expiry still is") {
    KeyRing ring = ImportedRing(kT0 + Days(3));
    KeyRing::Rows rows = ring.versions();
    Key k = std::move(ring).TakeKey();
    k.state = KeyState::kPendingDeletion;
    KeyRing deleting(k, rows);
    CHECK(deleting.ExpireImported(kT0 + Days(3)).size() == 1);
    CHECK(deleting.key().state == KeyState::kPendingDeletion);
    CHECK_FALSE(deleting.key().material_valid_to.has_value());
  }
}

TEST_CASE("Imported material appended in full (a seed file's) is current and sets the expiry") {
  Key k = NewKey(Origin::kExternal);
  k.state = KeyState::kEnabled;  // as the seed file says
  KeyRing ring(k);
  KeyMaterialVersion v = Generated(Id('a'), kT0 - Days(30));
  v.import_state = ImportState::kImported;
  v.valid_to = kT0 + Days(30);
  KeyRing::Rows rows = ring.Append(v);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].version == 1);
  CHECK(ring.key().current_version == 1);
  CHECK(ring.key().current_material_since == kT0 - Days(30));
  CHECK(ring.key().material_valid_to == kT0 + Days(30));
  CHECK(ring.key().state == KeyState::kEnabled);
}

TEST_CASE("Rules of imported material need every row of the ring") {
  Key k = NewKey(Origin::kExternal);
  k.version_count = 2;
  k.MakeCurrent(1, Id('a'), kT0);
  k.state = KeyState::kEnabled;
  KeyRing summary(k);
  CHECK(ThrownBy([&] { summary.ImportSlotFor(Id('c'), std::nullopt); }).name ==
        "KMSInternalException");
  CHECK(ThrownBy([&] { summary.PendingVersion(); }).name == "KMSInternalException");
  KeyMaterialVersion v = Generated(Id('c'), kT0);
  v.import_state = ImportState::kImported;
  CHECK(ThrownBy([&] { summary.Append(v); }).name == "KMSInternalException");
  CHECK(summary.key().version_count == 2);
}
