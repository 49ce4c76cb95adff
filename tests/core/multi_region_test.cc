// Multi-Region keys: what related keys share (key id, material versions,
// rotation), what each keeps (state, description, policy, tags), the role
// rules (only the primary replicates and rotates) and deletion of a primary
// with replicas (PendingReplicaDeletion). AWS KMS Developer Guide,
// "Multi-Region keys in AWS KMS".
#include "tests/core/service_fixture.h"

namespace rotor::core::testing {
namespace {

const Scope kUs{"111122223333", "us-east-1"};
const Scope kEu{"111122223333", "eu-west-1"};
const Scope kAp{"111122223333", "ap-southeast-2"};

Key NewPrimary(ServiceFixture& f, CreateKeyRequest req = {}) {
  req.multi_region = true;
  return f.service.CreateKey(f.Ctx(kUs), req);
}

Key Replicate(ServiceFixture& f, const Key& primary, const Scope& to) {
  ReplicateKeyRequest req;
  req.key_id = primary.id;
  req.replica_region = to.region;
  return f.service.ReplicateKey(f.Ctx(kUs), req);
}

std::vector<KeyMaterialVersion> Versions(ServiceFixture& f, const Scope& scope,
                                         const std::string& id) {
  return f.repo.ListMaterialVersions(scope, id, 0, 1000);
}

// Encrypt in `scope` under `id`; the ciphertext blob.
Bytes EncryptIn(ServiceFixture& f, const Scope& scope, const std::string& id,
                const std::string& text) {
  EncryptRequest enc;
  enc.key_id = id;
  enc.plaintext = SecretBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return f.service.Encrypt(f.Ctx(scope), enc).ciphertext;
}

DecryptResult DecryptIn(ServiceFixture& f, const Scope& scope, const Bytes& blob) {
  DecryptRequest dec;
  dec.ciphertext = blob;
  return f.service.Decrypt(f.Ctx(scope), dec);
}

void CheckSameVersions(ServiceFixture& f, const std::string& id, const Scope& a, const Scope& b) {
  std::vector<KeyMaterialVersion> va = Versions(f, a, id), vb = Versions(f, b, id);
  REQUIRE(va.size() == vb.size());
  for (size_t i = 0; i < va.size(); ++i) {
    CHECK(va[i].version == vb[i].version);
    CHECK(va[i].material_id == vb[i].material_id);
    CHECK(va[i].created == vb[i].created);
    CHECK(va[i].rotation_type == vb[i].rotation_type);
  }
}

TEST_CASE("CreateKey MultiRegion makes a primary with an mrk- id") {
  ServiceFixture f;
  Key k = NewPrimary(f);
  CHECK(IsMultiRegionKeyId(k.id));
  CHECK(k.IsPrimary());
  CHECK(k.primary_region == "us-east-1");
  CHECK(k.replica_regions.empty());
  CHECK(f.service.DescribeKey(f.Ctx(kUs), k.id).multi_region);
  CHECK_FALSE(f.NewKey().multi_region);
}

TEST_CASE("A replica has the primary's key id and every material version") {
  ServiceFixture f;
  Key p = NewPrimary(f);
  f.service.RotateKeyOnDemand(f.Ctx(kUs), p.id);
  Key r = Replicate(f, p, kEu);
  CHECK(r.id == p.id);
  CHECK(r.scope == kEu);
  CHECK(r.IsReplica());
  CHECK(r.state == KeyState::kEnabled);
  CHECK(r.version_count == 2);
  CheckSameVersions(f, p.id, kUs, kEu);
  CHECK(f.service.DescribeKey(f.Ctx(kUs), p.id).replica_regions ==
        std::vector<std::string>{"eu-west-1"});

  // A ciphertext of one related key opens with the other, in its Region.
  DecryptResult out = DecryptIn(f, kEu, EncryptIn(f, kUs, p.id, "hello"));
  CHECK(std::string(out.plaintext.bytes().begin(), out.plaintext.bytes().end()) == "hello");
  CHECK(out.key_arn == KeyArn(kEu, p.id));
}

TEST_CASE("Replicas refuse what only the primary does") {
  ServiceFixture f;
  Key p = NewPrimary(f);
  Key r = Replicate(f, p, kEu);
  const std::string msg = KeyArn(kEu, p.id) + " is not a multi-region primary key.";
  CHECK(MessageOf([&] { f.service.EnableKeyRotation(f.Ctx(kEu), p.id, 365); }) == msg);
  CHECK(MessageOf([&] { f.service.DisableKeyRotation(f.Ctx(kEu), p.id); }) == msg);
  CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(kEu), p.id); }) == msg);
  ReplicateKeyRequest again;
  again.key_id = p.id;
  again.replica_region = "ap-southeast-2";
  CHECK(ErrorOf([&] { f.service.ReplicateKey(f.Ctx(kEu), again); }) ==
        "UnsupportedOperationException");
  CHECK(MessageOf([&] { f.service.ReplicateKey(f.Ctx(kEu), again); }) == msg);

  // A second replica in the same Region, or one in the primary's Region.
  again.replica_region = "eu-west-1";
  CHECK(ErrorOf([&] { f.service.ReplicateKey(f.Ctx(kUs), again); }) == "AlreadyExistsException");
  again.replica_region = "us-east-1";
  CHECK(ErrorOf([&] { f.service.ReplicateKey(f.Ctx(kUs), again); }) == "AlreadyExistsException");
  // A Region AWS does not list, and one of another partition.
  again.replica_region = "xx-nowhere-9";
  CHECK(MessageOf([&] { f.service.ReplicateKey(f.Ctx(kUs), again); }) ==
        "Region xx-nowhere-9 is not supported.");
  again.replica_region = "cn-north-1";
  CHECK(ErrorOf([&] { f.service.ReplicateKey(f.Ctx(kUs), again); }) ==
        "UnsupportedOperationException");
  // A single-Region key is no primary either.
  Key single = f.NewKey();
  again.key_id = single.id;
  again.replica_region = "eu-west-1";
  CHECK(MessageOf([&] { f.service.ReplicateKey(f.Ctx(kUs), again); }) ==
        single.Arn() + " is not a multi-region primary key.");
}

TEST_CASE("Replicas keep their own state, description, policy and tags") {
  ServiceFixture f;
  Key p = NewPrimary(f);
  ReplicateKeyRequest req;
  req.key_id = p.id;
  req.replica_region = "eu-west-1";
  req.description = "eu copy";
  req.tags = {{"team", "eu"}};
  Key r = f.service.ReplicateKey(f.Ctx(kUs), req);
  CHECK(r.description == "eu copy");
  CHECK(r.tags == std::vector<Tag>{{"team", "eu"}});
  f.service.DisableKey(f.Ctx(kEu), p.id);
  CHECK(f.service.DescribeKey(f.Ctx(kEu), p.id).state == KeyState::kDisabled);
  CHECK(f.service.DescribeKey(f.Ctx(kUs), p.id).state == KeyState::kEnabled);
  CHECK(f.service.DescribeKey(f.Ctx(kUs), p.id).description.empty());
}

TEST_CASE("Every rotation of the primary reaches every replica with the same id and date") {
  ServiceFixture f;
  Key p = NewPrimary(f);
  Replicate(f, p, kEu);
  f.service.EnableKeyRotation(f.Ctx(kUs), p.id, 365);
  Replicate(f, p, kAp);  // a replica made after rotation was turned on
  KeyRotationStatus replica_status = f.service.GetKeyRotationStatus(f.Ctx(kEu), p.id);
  KeyRotationStatus primary_status = f.service.GetKeyRotationStatus(f.Ctx(kUs), p.id);
  CHECK(replica_status.enabled);
  CHECK(replica_status.next_rotation == primary_status.next_rotation);
  CHECK(replica_status.period_days == 365);

  f.service.RotateKeyOnDemand(f.Ctx(kUs), p.id);
  f.Advance(Days(3 * 365 + 2));  // three automatic rotations
  for (const Scope& s : {kUs, kEu, kAp})
    CHECK(f.service.DescribeKey(f.Ctx(s), p.id).version_count == 5);
  CheckSameVersions(f, p.id, kUs, kEu);
  CheckSameVersions(f, p.id, kUs, kAp);
  CHECK(f.service.DescribeKey(f.Ctx(kEu), p.id).current_material_id ==
        f.service.DescribeKey(f.Ctx(kUs), p.id).current_material_id);
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(kAp), p.id).next_rotation ==
        f.service.GetKeyRotationStatus(f.Ctx(kUs), p.id).next_rotation);

  // Old ciphertexts of the primary still open with the replica.
  Bytes blob = EncryptIn(f, kAp, p.id, "x");
  CHECK(DecryptIn(f, kUs, blob).material_id ==
        f.service.DescribeKey(f.Ctx(kUs), p.id).current_material_id);

  // Disabling rotation on the primary is shared too.
  f.service.DisableKeyRotation(f.Ctx(kUs), p.id);
  CHECK_FALSE(f.service.GetKeyRotationStatus(f.Ctx(kEu), p.id).enabled);
}

TEST_CASE("UpdatePrimaryRegion swaps the roles") {
  ServiceFixture f;
  Key p = NewPrimary(f);
  Replicate(f, p, kEu);
  Replicate(f, p, kAp);
  f.service.EnableKeyRotation(f.Ctx(kUs), p.id, 180);
  CHECK(ErrorOf([&] { f.service.UpdatePrimaryRegion(f.Ctx(kEu), p.id, "eu-west-1"); }) ==
        "UnsupportedOperationException");
  CHECK(MessageOf([&] { f.service.UpdatePrimaryRegion(f.Ctx(kUs), p.id, "sa-east-1"); }) ==
        "Key '" + KeyArn({"111122223333", "sa-east-1"}, p.id) + "' does not exist");
  f.service.DisableKey(f.Ctx(kEu), p.id);
  CHECK(MessageOf([&] { f.service.UpdatePrimaryRegion(f.Ctx(kUs), p.id, "eu-west-1"); }) ==
        KeyArn(kEu, p.id) + " is disabled.");
  f.service.EnableKey(f.Ctx(kEu), p.id);

  f.service.UpdatePrimaryRegion(f.Ctx(kUs), p.id, "eu-west-1");
  Key eu = f.service.DescribeKey(f.Ctx(kEu), p.id);
  Key us = f.service.DescribeKey(f.Ctx(kUs), p.id);
  Key ap = f.service.DescribeKey(f.Ctx(kAp), p.id);
  CHECK(eu.IsPrimary());
  CHECK(us.IsReplica());
  CHECK(ap.primary_region == "eu-west-1");
  CHECK(eu.replica_regions == std::vector<std::string>{"ap-southeast-2", "us-east-1"});
  CHECK(ap.replica_regions == eu.replica_regions);
  // Now the old primary refuses rotation and the new one rotates for all.
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(kUs), p.id); }) ==
        "UnsupportedOperationException");
  f.service.RotateKeyOnDemand(f.Ctx(kEu), p.id);
  CheckSameVersions(f, p.id, kEu, kUs);
  CheckSameVersions(f, p.id, kEu, kAp);
  f.Advance(Days(181));
  CheckSameVersions(f, p.id, kEu, kUs);
  CHECK(f.service.DescribeKey(f.Ctx(kUs), p.id).version_count == 3);
}

TEST_CASE("A primary with replicas waits in PendingReplicaDeletion") {
  ServiceFixture f;
  Key p = NewPrimary(f);
  Replicate(f, p, kEu);
  ScheduleKeyDeletionResult r = f.service.ScheduleKeyDeletion(f.Ctx(kUs), p.id, 7);
  CHECK(r.state == KeyState::kPendingReplicaDeletion);
  CHECK_FALSE(r.deletion_date);
  CHECK(r.pending_window_days == 7);
  CHECK(ErrorOf([&] { f.EncryptText(p.id, "x"); }) == "KMSInvalidStateException");
  ReplicateKeyRequest more;
  more.key_id = p.id;
  more.replica_region = "ap-southeast-2";
  CHECK(ErrorOf([&] { f.service.ReplicateKey(f.Ctx(kUs), more); }) == "KMSInvalidStateException");

  // Cancelling returns it Disabled, as for any key; schedule it again.
  f.service.CancelKeyDeletion(f.Ctx(kUs), p.id);
  CHECK(f.service.DescribeKey(f.Ctx(kUs), p.id).state == KeyState::kDisabled);
  f.service.ScheduleKeyDeletion(f.Ctx(kUs), p.id, 7);

  f.Advance(Days(40));  // no replica deleted: the primary stays
  CHECK(f.service.DescribeKey(f.Ctx(kUs), p.id).state == KeyState::kPendingReplicaDeletion);

  f.service.ScheduleKeyDeletion(f.Ctx(kEu), p.id, 30);
  f.Advance(Days(30));  // the replica goes; the primary's 7 days start then
  CHECK(ErrorOf([&] { f.service.DescribeKey(f.Ctx(kEu), p.id); }) == "NotFoundException");
  Key waiting = f.service.DescribeKey(f.Ctx(kUs), p.id);
  CHECK(waiting.state == KeyState::kPendingDeletion);
  CHECK(waiting.replica_regions.empty());
  REQUIRE(waiting.deletion_date);
  CHECK(*waiting.deletion_date == *ParseIso8601("2026-01-01T00:00:00Z") + Days(40 + 30 + 7));
  f.Advance(Days(8));
  CHECK(ErrorOf([&] { f.service.DescribeKey(f.Ctx(kUs), p.id); }) == "NotFoundException");
}

TEST_CASE("Asymmetric and HMAC multi-Region keys share their key material") {
  ServiceFixture f;
  CreateKeyRequest hmac;
  hmac.key_spec = KeySpec::kHmac256;
  hmac.key_usage = KeyUsage::kGenerateVerifyMac;
  Key p = NewPrimary(f, hmac);
  Replicate(f, p, kEu);
  MacRequest mac;
  mac.key_id = p.id;
  mac.message = SecretBytes(reinterpret_cast<const uint8_t*>("m"), 1);
  mac.algorithm = MacAlgorithm::kHmacSha256;
  MacResult made = f.service.GenerateMac(f.Ctx(kUs), mac);
  mac.mac = made.mac;
  CHECK(f.service.VerifyMac(f.Ctx(kEu), mac).valid);
  // Automatic rotation stays for symmetric encryption keys only.
  CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(kUs), p.id, 365); }) ==
        "UnsupportedOperationException");
}

}  // namespace
}  // namespace rotor::core::testing
