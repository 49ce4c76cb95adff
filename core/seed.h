// Seed documents: a known starting state (keys, material history, rotation
// settings, aliases) that Rotor loads at start-up and writes with
// `rotor export`. Format-agnostic: server/seed/ reads and writes the files
// (local-kms's YAML layout plus Rotor's own fields, or the same as JSON);
// docs/seed-files.md describes them.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/fault_rules.h"
#include "core/grant.h"
#include "core/key_metadata.h"
#include "core/key_ring.h"

namespace rotor::core {

// Names the entry and the problem; the file name is added by the reader.
class SeedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SeedMaterial {
  SecretBytes bytes;        // AES key, HMAC key or PKCS#8 DER private key; empty when not exported
  std::string material_id;  // empty: generated
  std::optional<Timestamp> created;           // empty: the key's creation date
  std::optional<RotationType> rotation_type;  // empty for the first material
  std::optional<Timestamp> valid_to;          // imported material that expires
};

struct SeedKey {
  std::string entry;  // where it came from, e.g. "Keys.Symmetric.Aes[2]"
  Scope scope;
  std::string key_id;
  std::string description;
  KeySpec spec = KeySpec::kSymmetricDefault;
  KeyUsage usage = KeyUsage::kEncryptDecrypt;
  Origin origin = Origin::kAwsKms;
  KeyState state = KeyState::kEnabled;  // Enabled or Disabled
  // AWS: an AWS managed key (exported so it survives an export and re-seed
  // with its id, material and schedule; aws_managed_keys.h).
  KeyManager manager = KeyManager::kCustomer;
  std::optional<Timestamp> creation_date;
  std::optional<std::string> policy;
  std::vector<Tag> tags;
  std::vector<SeedMaterial> materials;  // oldest first; the last is current
  bool rotation_enabled = false;
  int rotation_period_days = 365;
  std::optional<Timestamp> next_rotation;
  // The key's grants; scope and key_id are the key's. An empty grant_id is
  // drawn at load; an empty issuing_account is the key's account root.
  std::vector<Grant> grants;
  // Multi-Region keys ("mrk-" ids): the primary key's Region. The entry in
  // that Region is the primary; entries of the same id in other Regions of
  // the account are its replicas, with the primary's key materials and no
  // rotation settings of their own (they share the primary's).
  std::optional<std::string> primary_region;

  bool spec_is_rotatable() const;
  bool is_replica() const { return primary_region && *primary_region != scope.region; }
};

struct SeedAlias {
  std::string entry;
  Scope scope;
  std::string name;
  std::string target_key_id;
};

struct SeedDocument {
  std::vector<SeedKey> keys;
  std::vector<SeedAlias> aliases;
  // The seed file's `faults:` section: rules the server starts with
  // (core/fault_rules.h); LoadSeed leaves them to the caller.
  std::vector<FaultRule> faults;
};

struct SeedResult {
  int keys_created = 0;
  int keys_already_present = 0;
  int aliases_created = 0;
  int aliases_already_present = 0;
  int grants_created = 0;
};

// PEM private key (PKCS#8 or traditional RSA/EC) -> its KeySpec and PKCS#8 DER.
// Throws SeedError when the PEM is not a private key of a spec KMS has.
std::pair<KeySpec, SecretBytes> PrivateKeyFromPem(const std::string& pem);
// PKCS#8 DER -> PEM, for `rotor export --include-material`.
std::string PrivateKeyToPem(const SecretBytes& pkcs8_der);

}  // namespace rotor::core
