// KmsService: the use cases of AWS KMS, one method per operation.
//
// The implementation is split by family so each file has one job:
//   kms_service.cc           construction, key resolution, shared helpers
//   kms_service_keys.cc      CreateKey, DescribeKey, ListKeys, Enable/Disable,
//                            UpdateKeyDescription, Schedule/CancelKeyDeletion
//   kms_service_tags.cc      TagResource, UntagResource, ListResourceTags,
//                            Get/Put/ListKeyPolicies
//   kms_service_aliases.cc   CreateAlias, UpdateAlias, DeleteAlias, ListAliases
//   kms_service_crypto.cc    Encrypt, Decrypt, ReEncrypt, GenerateDataKey(...), GenerateRandom
//   kms_service_rotation.cc  Enable/DisableKeyRotation, GetKeyRotationStatus,
//                            RotateKeyOnDemand, ListKeyRotations, GetKeyLastUsage
//   kms_service_asymmetric.cc  Sign, Verify, GetPublicKey, GenerateDataKeyPair(...),
//                            DeriveSharedSecret, RSA/SM2 encryption for Encrypt/Decrypt
//   kms_service_mac.cc       GenerateMac, VerifyMac
//   kms_service_import.cc    GetParametersForImport, ImportKeyMaterial,
//                            DeleteImportedKeyMaterial
//   kms_service_grants.cc    CreateGrant, ListGrants, ListRetirableGrants,
//                            RetireGrant, RevokeGrant, and the grant lookups
//                            access control reads
//   kms_service_multi_region.cc  ReplicateKey, UpdatePrimaryRegion, and what
//                            related multi-Region keys share (ShareWithRelated)
//   scheduler.cc             RunDueEvents: rotations, expiry of imported material and
//                            deletions that fall due
// The rules of a key's versions (numbering, current/pending, imports, expiry,
// promotion) are KeyRing's (key_ring.h); the service loads a ring, seals and
// writes what it changed.
//
// Every method takes the RequestContext (scope, the one clock reading, and the
// name of the operation running, which AWS's messages and usage records carry)
// and throws KmsError with AWS's name and message. Thread safety: all methods may
// be called concurrently; writes are serialised by the repository.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/aws_managed_keys.h"
#include "core/clock.h"
#include "core/key_cache.h"
#include "core/key_ring.h"
#include "core/key_sealer.h"
#include "core/key_wrap.h"
#include "core/kms_requests.h"
#include "core/random.h"
#include "core/request_context.h"
#include "core/rotation_schedule.h"
#include "core/seed.h"
#include "core/service_events.h"
#include "core/usage_tracker.h"

namespace rotor::core {

// How KmsService authorises a key it resolved for a request (strict mode;
// kms_service_access.cc).
struct KeyUse {
  // Which of the operation's IAM actions (AccessRequest::actions): 0, or 1 for
  // ReEncrypt's destination key (kms:ReEncryptTo).
  int action_index = 0;
  // The request's encryption context, read by kms:EncryptionContext:<k>,
  // kms:EncryptionContextKeys and grant constraints (nullptr: none).
  const EncryptionContext* encryption_context = nullptr;
  // RetireGrant: the id of the grant being retired (its retiring principal may).
  std::string_view retiring_grant_id{};
  // False: the operation is decided without the key (ListAliases' KeyId filter).
  bool authorize = true;
};

struct ServiceConfig {
  int on_demand_rotation_limit = 25;
  Millis on_demand_rotation_delay{0};
  JitterModel jitter{0, Days(1)};
  size_t cache_entries = 200000;
  // AWS's quota of grants per key (core/grant.h); lowered only by tests
  // (--grants-per-key-limit).
  size_t grants_per_key_limit = kMaxGrantsPerKey;
  // AWS's quota of customer managed keys per account and Region (AWS KMS
  // Developer Guide, "Resource quotas": 100,000, AWS managed keys not
  // counted); CreateKey and ReplicateKey refuse more with
  // LimitExceededException. 0: no limit, the default (rotor sets it with
  // --quotas aws, so a store of a million keys runs without it).
  size_t keys_per_region_limit = 0;
};

class KmsService {
 public:
  KmsService(KeyRepository& repo, const KeySealer& sealer, RandomSource& random,
             ServiceConfig config);

  void SetEventListener(ServiceEventListener* listener) { listener_ = listener; }
  // Called after a write leaves a key with work due now (an overdue key
  // re-enabled, say), so the background worker runs without waiting a tick.
  void SetDueNowNotifier(std::function<void()> notify) { due_now_ = std::move(notify); }
  const ServiceConfig& config() const { return config_; }

  // ---- Look-up for the transport (request quotas, injected faults)
  // The key `key_id` names (key id, key ARN, alias name or alias ARN, in
  // ctx.scope), read from the key cache: no authorization, no AWS managed key
  // created, nothing written, no error. Nullptr when it names no key (or is
  // malformed, or an ARN of another account or Region): the operation's own
  // handler then answers AWS's error.
  std::shared_ptr<const Key> PeekKey(const RequestContext& ctx, const std::string& key_id);

  // ---- Key lifecycle
  Key CreateKey(const RequestContext& ctx, const CreateKeyRequest& req);
  Key DescribeKey(const RequestContext& ctx, const std::string& key_id);
  ListKeysResult ListKeys(const RequestContext& ctx, const Page& page);
  void EnableKey(const RequestContext& ctx, const std::string& key_id);
  void DisableKey(const RequestContext& ctx, const std::string& key_id);
  void UpdateKeyDescription(const RequestContext& ctx, const std::string& key_id,
                            const std::string& description);
  ScheduleKeyDeletionResult ScheduleKeyDeletion(const RequestContext& ctx,
                                                const std::string& key_id,
                                                std::optional<int> pending_window_days);
  std::string CancelKeyDeletion(const RequestContext& ctx, const std::string& key_id);

  // ---- Multi-Region keys (kms_service_multi_region.cc; AWS KMS Developer
  // Guide, "Multi-Region keys in AWS KMS", and the API Reference's
  // ReplicateKey and UpdatePrimaryRegion)
  // Creates the replica of primary key `req.key_id` (key id or key ARN of
  // the caller's Region) in `req.replica_region` of the same account: the
  // same key id, key spec, key usage, origin, rotation settings and every
  // key-material version (same numbers, KeyMaterialIds, dates and bytes);
  // its own description, policy and tags. Returns the replica. Throws
  // NotFoundException (unknown key), KMSInvalidStateException (a primary
  // pending deletion), UnsupportedOperationException "<arn> is not a
  // multi-region primary key." (a replica or a single-Region key) or
  // "Region <r> is not supported." (a Region outside AWS's list or the
  // key's partition), AlreadyExistsException (a related key already in that
  // Region, the primary's own included), MalformedPolicyDocumentException, TagException.
  Key ReplicateKey(const RequestContext& ctx, const ReplicateKeyRequest& req);
  // Makes the related key in `primary_region` the primary and the current
  // primary (`key_id`, key id or key ARN) a replica. Both must be Enabled
  // (DisabledException / KMSInvalidStateException naming the key that is
  // not). UnsupportedOperationException "<arn> is not a multi-region primary
  // key." when `key_id` is not the primary; NotFoundException "Key '<arn>'
  // does not exist" when no related key is in `primary_region`. Naming the
  // primary's own Region changes nothing.
  void UpdatePrimaryRegion(const RequestContext& ctx, const std::string& key_id,
                           const std::string& primary_region);

  // ---- Tags and key policies
  void TagResource(const RequestContext& ctx, const std::string& key_id,
                   const std::vector<Tag>& tags);
  void UntagResource(const RequestContext& ctx, const std::string& key_id,
                     const std::vector<std::string>& tag_keys);
  ListTagsResult ListResourceTags(const RequestContext& ctx, const std::string& key_id,
                                  const Page& page);
  std::string GetKeyPolicy(const RequestContext& ctx, const std::string& key_id,
                           const std::optional<std::string>& policy_name);
  // Validates the policy and, unless `bypass_lockout_check`, refuses one that
  // would stop the caller from calling PutKeyPolicy again (key_policy_decision.h).
  void PutKeyPolicy(const RequestContext& ctx, const std::string& key_id,
                    const std::optional<std::string>& policy_name, const std::string& policy,
                    bool bypass_lockout_check = false);
  ListPoliciesResult ListKeyPolicies(const RequestContext& ctx, const std::string& key_id,
                                     const Page& page);

  // ---- Aliases
  void CreateAlias(const RequestContext& ctx, const std::string& alias_name,
                   const std::string& target_key_id);
  void UpdateAlias(const RequestContext& ctx, const std::string& alias_name,
                   const std::string& target_key_id);
  void DeleteAlias(const RequestContext& ctx, const std::string& alias_name);
  ListAliasesResult ListAliases(const RequestContext& ctx, const std::optional<std::string>& key_id,
                                const Page& page);

  // ---- Cryptography
  EncryptResult Encrypt(const RequestContext& ctx, const EncryptRequest& req);
  DecryptResult Decrypt(const RequestContext& ctx, const DecryptRequest& req);
  ReEncryptResult ReEncrypt(const RequestContext& ctx, const ReEncryptRequest& req);
  GenerateDataKeyResult GenerateDataKey(const RequestContext& ctx,
                                        const GenerateDataKeyRequest& req, bool with_plaintext);
  SecretBytes GenerateRandom(const RequestContext& ctx, std::optional<int> number_of_bytes,
                             const std::optional<std::string>& custom_key_store_id);

  // ---- Asymmetric keys (kms_service_asymmetric.cc)
  SignResult Sign(const RequestContext& ctx, const SignRequest& req);
  VerifyResult Verify(const RequestContext& ctx, const VerifyRequest& req);
  PublicKeyResult GetPublicKey(const RequestContext& ctx, const std::string& key_id);
  GenerateDataKeyPairResult GenerateDataKeyPair(const RequestContext& ctx,
                                                const GenerateDataKeyPairRequest& req,
                                                bool with_plaintext);
  DeriveSharedSecretResult DeriveSharedSecret(const RequestContext& ctx,
                                              const DeriveSharedSecretRequest& req);

  // ---- HMAC keys (kms_service_mac.cc)
  MacResult GenerateMac(const RequestContext& ctx, const MacRequest& req);
  MacResult VerifyMac(const RequestContext& ctx, const MacRequest& req);

  // ---- Imported key material (kms_service_import.cc)
  // `wrapping_key_spec` is AWS's WrappingKeySpec (RSA_2048, RSA_3072, RSA_4096, SM2).
  ImportParametersResult GetParametersForImport(const RequestContext& ctx,
                                                const std::string& key_id,
                                                WrappingAlgorithm wrapping_algorithm,
                                                KeySpec wrapping_key_spec);
  ImportKeyMaterialResult ImportKeyMaterial(const RequestContext& ctx,
                                            const ImportKeyMaterialRequest& req);
  ImportKeyMaterialResult DeleteImportedKeyMaterial(const RequestContext& ctx,
                                                    const std::string& key_id,
                                                    const std::optional<std::string>& material_id);

  // ---- Rotation
  void EnableKeyRotation(const RequestContext& ctx, const std::string& key_id,
                         std::optional<int> period_days);
  void DisableKeyRotation(const RequestContext& ctx, const std::string& key_id);
  KeyRotationStatus GetKeyRotationStatus(const RequestContext& ctx, const std::string& key_id);
  // Returns the key ARN (the wire decides the form it answers with).
  std::string RotateKeyOnDemand(const RequestContext& ctx, const std::string& key_id);
  ListKeyRotationsResult ListKeyRotations(const RequestContext& ctx, const std::string& key_id,
                                          std::optional<IncludeKeyMaterial> include_key_material,
                                          const Page& page);
  KeyLastUsageResult GetKeyLastUsage(const RequestContext& ctx, const std::string& key_id);

  // ---- Grants (kms_service_grants.cc)
  // CreateGrant: resolves KeyId (key id or key ARN), checks the key state
  // (anything but PendingDeletion/PendingReplicaDeletion), the principals, the
  // operations and constraints against the key (grant.h), then applies the
  // Name rule (same Name and parameters: the existing GrantId with a fresh
  // token) and the grants-per-key quota (LimitExceededException). DryRun
  // answers DryRunOperationException after every check.
  CreateGrantResult CreateGrant(const RequestContext& ctx, const CreateGrantRequest& req);
  // The key's grants ordered by grant id, filtered by GrantId and
  // GranteePrincipal; Limit 1..1000 (default 50), Marker from NextMarker.
  ListGrantsResult ListGrants(const RequestContext& ctx, const ListGrantsRequest& req);
  // Grants of every key of the caller's account and Region whose
  // RetiringPrincipal is `retiring_principal`, ordered by (key id, grant id).
  ListGrantsResult ListRetirableGrants(const RequestContext& ctx,
                                       const std::string& retiring_principal, const Page& page);
  // Deletes the grant the token names, or KeyId + GrantId names.
  // InvalidGrantTokenException, InvalidGrantIdException, NotFoundException;
  // ValidationException when neither form is given.
  void RetireGrant(const RequestContext& ctx, const RetireGrantRequest& req);
  void RevokeGrant(const RequestContext& ctx, const std::string& key_id,
                   const std::string& grant_id, bool dry_run);
  // For access control: the grants of a key, from memory after the first
  // read (KeyCache::GetGrants), and the grant a token names (nullopt for a
  // malformed token or a grant that is gone).
  std::shared_ptr<const std::vector<Grant>> GrantsOfKey(const Scope& scope,
                                                        const std::string& key_id);
  // The key's grants whose GranteePrincipal is `grantee_principal` (exact).
  std::vector<Grant> GrantsForGrantee(const Scope& scope, const std::string& key_id,
                                      std::string_view grantee_principal);
  std::optional<Grant> GrantOfToken(std::string_view grant_token);

  // ---- Scheduler (scheduler.cc)
  // Fires every rotation, on-demand completion and deletion due at or before
  // `until`, in time order, each stamped with its own due instant; at most
  // `max_events` of them per call. Callers go through core::AdvanceTime
  // (advance_time.h), which calls this in bounded slices.
  std::vector<ServiceEvent> RunDueEvents(Timestamp until, size_t max_events = SIZE_MAX);
  // The instant of the earliest event RunDueEvents would fire (a rotation, an
  // on-demand rotation's completion, an expiry of imported material, the end of
  // a deletion window), over every account and Region; nullopt when nothing is
  // scheduled. It may be in the past when an event is due and not yet fired.
  // POST /_rotor/clock {"advance":"next"} moves the clock to it.
  std::optional<Timestamp> NextEventTime();

  // ---- Seed files (kms_service_seed.cc)
  // Loads keys, material history, rotation settings and aliases in one
  // transaction; existing keys and aliases are left untouched. Throws
  // SeedError naming the entry and the problem.
  SeedResult LoadSeed(const SeedDocument& doc, Timestamp now);

  // ---- Administration
  void FlushUsage() { usage_.Flush(); }
  void Reset();

 private:
  // Resolution of a caller's KeyId (key id, key ARN, alias name, alias ARN).
  enum class AliasPolicy { kAllowAlias, kKeyIdOrArnOnly };
  // Both authorise the key they find for the request (Authorize, with `use`)
  // before returning it. A key ARN of another account is looked up in that
  // account only in strict mode and for an operation AWS lets use such a key
  // (AccessRequest::cross_account); otherwise NotFoundException, as a bare key
  // id of another account's key always is (it names a key of the caller's).
  std::shared_ptr<const Key> ResolveKey(const RequestContext& ctx, const std::string& text,
                                        AliasPolicy aliases, const KeyUse& use = {});
  Key ResolveKeyForWrite(KeyTransaction& tx, const RequestContext& ctx, const std::string& text,
                         AliasPolicy aliases, const KeyUse& use = {});

  // Throws LimitExceededException (KmsError::KeyQuotaExceeded) when `scope`
  // already holds config_.keys_per_region_limit customer managed keys;
  // nothing when there is no limit. Called inside the write that adds the
  // key (KeyTransaction::CountKeys), so concurrent creations on any number of
  // threads or replicas cannot pass the limit.
  void RequireKeyQuota(KeyTransaction& tx, const Scope& scope);

  // ---- Access control in strict mode (kms_service_access.cc)
  // Throws AccessDeniedException with AWS's wording (key_policy_decision.h)
  // unless the verified caller may perform the operation's action on `key`:
  // the key policy, the caller's identity policy and the key's grants (read
  // from `tx` inside a write, else from the cache), explicit Deny first.
  // Nothing in open mode (ctx.principal or ctx.access null).
  void Authorize(const RequestContext& ctx, const Key& key, const KeyUse& use,
                 KeyTransaction* tx = nullptr);
  // An operation without a key (CreateKey, ListKeys, ListAliases,
  // GenerateRandom, ListRetirableGrants): the identity policy alone decides
  // (none given: allowed, full IAM permissions in the caller's account), on
  // resource "*".
  void AuthorizeWithoutKey(const RequestContext& ctx);
  // CreateAlias, UpdateAlias and DeleteAlias on the alias itself: the
  // identity policy alone decides, on the alias ARN
  // (arn:aws:kms:<region>:<account>:alias/<name>); the key policies of the
  // keys the alias names are checked by Authorize (AWS KMS Developer Guide,
  // "Controlling access to aliases").
  void AuthorizeAlias(const RequestContext& ctx, const std::string& alias_name);
  // The AWS managed key behind a predefined alias (aws_managed_keys.h): the
  // key the alias names when it has one, else a new one (32 fresh random bytes
  // of key material, rotation every 365 days) with the alias pointing at it.
  // The look-up and the creation share `tx`, so first uses that race create
  // exactly one key; its id is stored and stays the same from then on.
  Key AwsManagedKeyFor(KeyTransaction& tx, const RequestContext& ctx, const PredefinedAlias& alias);
  // Read-modify-write of one key in one transaction; `mutate` may throw.
  // Refuses AWS managed keys (AccessDeniedException naming ctx.operation,
  // RequireCustomerManaged) before `mutate` runs: every caller is an operation
  // AWS lets no one call on them (Enable/DisableKey, deletion, tags, key policy,
  // description, rotation settings and on-demand rotation, imported material).
  Key UpdateKey(const RequestContext& ctx, const std::string& key_id_text, AliasPolicy aliases,
                const std::function<void(Key&, KeyTransaction&)>& mutate);

  // Key ring helpers: the rules are KeyRing's (key_ring.h); these load,
  // seal and write.
  // Every version row of `key` read in `tx`, as a ring (for EXTERNAL keys,
  // whose rings are small). Throws KmsError::Internal if a row is missing.
  static KeyRing WholeRing(KeyTransaction& tx, Key key);
  // The one way a version enters a key's ring, for CreateKey, rotations (on
  // demand and by the scheduler) and seed files; ImportKeyMaterial's new
  // material enters through KeyRing::Import, which appends the same way.
  // Draws a KeyMaterialId (64 hex) when v.material_id is empty, lets the ring
  // number the version and make it current, seals `material` (nullptr: 32
  // fresh random bytes, a symmetric rotation) under that number and writes
  // the row. Returns the row as written. Throws as KeyRing::Append does.
  // `used` (optional) receives the bytes the version got, so a multi-Region
  // primary can hand the same material to its replicas (ShareWithRelated).
  KeyMaterialVersion AddVersion(KeyTransaction& tx, KeyRing& ring, KeyMaterialVersion v,
                                const SecretBytes* material, SecretBytes* used = nullptr);
  // Multi-Region keys: writes what `source` shares to every related key in
  // `tx` (the relation: primary Region and replica Regions; from a primary
  // also its rotation settings and on-demand rotation state) and, when
  // `version` is given (a rotation of the primary), appends that version,
  // described in full, to every replica through KeyRing::Append with the same
  // `material` sealed under the same number. Returns the RotateKey events of
  // the replicas that received the version (each in its own scope, with the
  // version's date, rotation type and KeyMaterialId), to tell once committed.
  // A no-op for a single-Region key. Throws KmsError::Internal when a
  // replica's ring would number the version differently from the primary's.
  std::vector<ServiceEvent> ShareWithRelated(KeyTransaction& tx, const Key& source,
                                             const KeyMaterialVersion* version,
                                             const SecretBytes* material);
  // Writes a new key (no rows yet) with its first material version: revision
  // 1, version 1 created at `created` without a RotationType, a fresh
  // KeyMaterialId, `material` (the key's bytes) sealed under it. The key row
  // is written once, as the ring leaves it, before the material row that
  // references it (CreateKey, AWS managed keys). Returns the key as written.
  // Throws as KeyRing::Append and the transaction do.
  Key PutNewKey(KeyTransaction& tx, Key key, Timestamp created, const SecretBytes& material);
  // Writes the rows a KeyRing change returned: each with `material` sealed
  // under its number, or without bytes when `material` is nullptr.
  void PutRows(KeyTransaction& tx, const Key& key, const KeyRing::Rows& rows,
               const SecretBytes* material);
  std::shared_ptr<const UnsealedMaterial> MaterialFor(const Key& key, uint32_t version);

  // The prelude of every operation that uses a key's material: resolves the
  // caller's KeyId (key id, key ARN, alias name or alias ARN; NotFoundException
  // otherwise), authorises it (strict mode, `use`), then checks, in AWS's order, that the key is
  // Enabled (DisabledException, KMSInvalidStateException) and that its key usage is `usage`
  // (InvalidKeyUsageException naming ctx.operation).
  std::shared_ptr<const Key> UsableKey(const RequestContext& ctx, const std::string& key_id,
                                       KeyUsage usage, const KeyUse& use = {});
  // UsableKey's checks for a key found another way (the one a ciphertext names).
  static void RequireUsable(const RequestContext& ctx, const Key& key, KeyUsage usage);
  // A symmetric encryption key (SYMMETRIC_DEFAULT), or InvalidKeyUsageException
  // "<arn> key spec is <spec> which is not valid for <ctx.operation>.".
  static void RequireSymmetricKey(const RequestContext& ctx, const Key& key);
  // Records that ctx.operation used `key` at ctx.now, for GetKeyLastUsage.
  // Called once the operation has succeeded.
  void RecordUsage(const RequestContext& ctx, const Key& key);

  // Crypto helpers shared by Encrypt, ReEncrypt and GenerateDataKey.
  Bytes SealUnderKey(const Key& key, const SecretBytes& plaintext, const EncryptionContext& ctx);
  // What Encrypt and ReEncrypt's destination side make: the ciphertext, the
  // EncryptionAlgorithm used, and the KeyMaterialId (64 hex) of a symmetric
  // key's current material (empty for RSA/SM2: AWS reports none).
  struct Sealed {
    Bytes ciphertext;
    EncryptionAlgorithm algorithm = EncryptionAlgorithm::kSymmetricDefault;
    std::string material_id;
  };
  // Encrypts `plaintext` under `key` (state- and usage-checked already): the
  // symmetric blob, which takes only SYMMETRIC_DEFAULT
  // (InvalidKeyUsageException otherwise), or AsymmetricEncrypt for RSA/SM2.
  // DryRunOperationException after every check when `dry_run`.
  Sealed SealFor(const Key& key, std::optional<EncryptionAlgorithm> algorithm,
                 const EncryptionContext& context, const SecretBytes& plaintext, bool dry_run);
  struct Opened {
    std::shared_ptr<const Key> key;
    SecretBytes plaintext;
    std::string material_id;
    // The EncryptionAlgorithm the ciphertext was made with.
    EncryptionAlgorithm algorithm = EncryptionAlgorithm::kSymmetricDefault;
  };
  // Decrypt's and ReEncrypt's source side: an asymmetric key named by
  // `key_id` takes the RSA/SM2 path, anything else the symmetric blob.
  Opened OpenCiphertext(const RequestContext& ctx, const Bytes& ciphertext,
                        const EncryptionContext& context, const std::optional<std::string>& key_id,
                        std::optional<EncryptionAlgorithm> algorithm);
  // The symmetric blob: `named` (nullable) is the key the request named, which
  // must be the one the blob names (IncorrectKeyException otherwise).
  Opened OpenBlob(const RequestContext& ctx, const Bytes& blob, const EncryptionContext& context,
                  const Key* named);
  // Asymmetric encryption (RSAES_OAEP_*, SM2PKE) for Encrypt/Decrypt/ReEncrypt
  // (kms_service_asymmetric.cc). `key` is state- and usage-checked already.
  // Checks everything (an absent algorithm is SYMMETRIC_DEFAULT, which no
  // asymmetric key offers), answers DryRun when asked, then encrypts.
  Sealed AsymmetricEncrypt(const Key& key, std::optional<EncryptionAlgorithm> algorithm,
                           const EncryptionContext& context, const SecretBytes& plaintext,
                           bool dry_run);
  Opened AsymmetricDecrypt(std::shared_ptr<const Key> key,
                           std::optional<EncryptionAlgorithm> algorithm,
                           const EncryptionContext& context, const Bytes& ciphertext);
  std::shared_ptr<const PrivateKey> PrivateKeyOf(const Key& key);

  // Scheduler helper: fires the earliest due event of one key.
  // `replicated` receives the RotateKey events of the replicas that got the
  // rotated version of a multi-Region primary.
  std::optional<ServiceEvent> FireDue(KeyTransaction& tx, const DueKey& due,
                                      std::optional<Timestamp>* next_event,
                                      std::vector<ServiceEvent>* replicated);
  // Multi-Region keys: a deleted key leaves its relation; a primary waiting
  // in PendingReplicaDeletion for its last replica starts its window at `at`.
  void ForgetRelated(KeyTransaction& tx, const Key& deleted, Timestamp at);

  KeyRepository& repo_;
  const KeySealer& sealer_;
  RandomSource& random_;
  ServiceConfig config_;
  KeyCache cache_;
  UsageTracker usage_;
  ServiceEventListener* listener_ = nullptr;
  std::function<void()> due_now_;
  std::mutex scheduler_mu_;  // one RunDueEvents at a time
};

}  // namespace rotor::core
