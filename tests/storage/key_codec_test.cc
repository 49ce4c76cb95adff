// The keys table's record (storage/key_codec.h): written as text member by
// member, it must read back whole and stay the bytes nlohmann's dump() of the
// same members gave before (rows written by either read the same; a record
// compares equal across versions of Rotor).
#include "storage/key_codec.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "storage/sqlite_db.h"

using namespace rotor;

namespace {

core::Key RichKey() {
  core::Key k;
  k.scope = {"111122223333", "us-east-1"};
  k.id = "mrk-1234abcd12ab34cd56ef1234567890ab";
  k.creation_date = core::Timestamp(core::Millis(1796166230240));
  k.description = "quote \" backslash \\ newline \n tab \t control \x01 del \x7f UTF-8 \xc3\xa9";
  k.usage = core::KeyUsage::kSignVerify;
  k.spec = core::KeySpec::kRsa2048;
  k.origin = core::Origin::kAwsKms;
  k.manager = core::KeyManager::kCustomer;
  k.state = core::KeyState::kPendingDeletion;
  k.deletion_date = core::Timestamp(core::Millis(1796166239999));
  k.pending_window_days = 7;
  k.policy = "{\n  \"Version\" : \"2012-10-17\"\n}";
  k.tags = {{"a", "b"}, {"Name", "caf\xc3\xa9 \"x\""}};
  k.current_version = 3;
  k.current_material_id = std::string(64, 'f');
  k.version_count = 4;
  k.current_material_since = core::Timestamp(core::Millis(1796166230241));
  k.rotation.enabled = true;
  k.rotation.period_days = 90;
  k.rotation.anchor = core::Timestamp(core::Millis(-5));
  k.rotation.next_rotation = core::Timestamp(core::Millis(1796166230242));
  k.on_demand_rotations = 2;
  k.on_demand_rotation_started = core::Timestamp(core::Millis(1));
  k.on_demand_rotation_completes = core::Timestamp(core::Millis(2));
  k.material_valid_to = core::Timestamp(core::Millis(3));
  k.revision = 18446744073709551615ULL;
  k.multi_region = true;
  k.primary_region = "us-east-1";
  k.replica_regions = {"eu-west-1", "ap-south-1"};
  return k;
}

// The record as nlohmann writes it: parsed, its members sorted by name, dumped.
std::string Canonical(const std::string& doc) { return nlohmann::json::parse(doc).dump(); }

// Writes `k`, checks the bytes are nlohmann's canonical dump and that reading
// them back gives a key written the same, and returns what was read.
core::Key RoundTrip(const core::Key& k) {
  std::string doc = storage::EncodeKeyDoc(k);
  CHECK(doc == Canonical(doc));
  core::Key back = storage::DecodeKeyDoc(k.scope, k.id, doc);
  CHECK(storage::EncodeKeyDoc(back) == doc);
  CHECK(back.description == k.description);
  CHECK(back.tags == k.tags);
  CHECK(back.replica_regions == k.replica_regions);
  return back;
}

}  // namespace

TEST_CASE("A key record reads back whole, and its bytes are nlohmann's dump of it") {
  core::Key rich = RichKey();
  core::Key back = RoundTrip(rich);
  CHECK(back.revision == rich.revision);
  CHECK(back.rotation.anchor == rich.rotation.anchor);
  CHECK(back.pending_window_days == rich.pending_window_days);
  CHECK(back.state == rich.state);
  CHECK(back.multi_region);

  core::Key plain;  // every optional member absent, no tags, single-Region
  plain.scope = rich.scope;
  plain.id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  std::string plain_doc = storage::EncodeKeyDoc(plain);
  CHECK(plain_doc == Canonical(plain_doc));
  CHECK(plain_doc.find("multi_region") == std::string::npos);
  CHECK(plain_doc.find("\"deletion_date\":null") != std::string::npos);
  CHECK(plain_doc.find("\"tags\":[]") != std::string::npos);
  CHECK_FALSE(storage::DecodeKeyDoc(plain.scope, plain.id, plain_doc).multi_region);
}

TEST_CASE("A key record of ASCII text reads back whole, escapes included") {
  // Read without a DOM (storage/key_codec.cc, DocReader); the record above,
  // with UTF-8 in it, through nlohmann.
  core::Key k = RichKey();
  k.description = "quote \" backslash \\ slash / newline \n tab \t cr \r bs \b ff \f ctl \x01\x1f";
  k.tags = {{"a", "b"}, {"c\"", "d\\"}};
  core::Key back = RoundTrip(k);
  std::string doc = storage::EncodeKeyDoc(k);
  CHECK(back.creation_date == k.creation_date);
  CHECK(back.rotation.next_rotation == k.rotation.next_rotation);
  CHECK(back.current_material_since == k.current_material_since);

  // An older record (no current_material_since) and one with its members in
  // another order still read, through nlohmann.
  nlohmann::json older = nlohmann::json::parse(doc);
  older.erase("current_material_since");
  core::Key old_back = storage::DecodeKeyDoc(k.scope, k.id, older.dump(2));
  CHECK_FALSE(old_back.current_material_since);
  CHECK(old_back.description == k.description);
  CHECK(old_back.tags == k.tags);

  // A damaged record is refused, not half read.
  CHECK_THROWS_AS(storage::DecodeKeyDoc(k.scope, k.id, doc.substr(0, doc.size() - 1)),
                  storage::StorageError);
  CHECK_THROWS_AS(storage::DecodeKeyDoc(k.scope, k.id, "{\"created\":1}"), storage::StorageError);
}

TEST_CASE("A key record with invalid UTF-8 is refused, as before") {
  core::Key k = RichKey();
  k.description = "bad \xff byte";
  CHECK_THROWS(storage::EncodeKeyDoc(k));
}
