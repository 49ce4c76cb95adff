// KeyRepository: the storage port. Core defines it; storage/ implements it
// on SQLite and on PostgreSQL. Nothing here knows SQL, and storage knows no KMS rules: every
// decision (state checks, rotation, deletion) is made in core and storage
// only persists the outcome.
//
// Reads may run on any thread and see committed data. Writes go through
// Write(): the function runs inside one transaction on the storage's writer
// thread (so its reads and writes see no interleaving), and Write returns only
// after the transaction is durably committed. Concurrent Write calls may share
// one commit (group commit); each still succeeds or fails on its own.
//
// A store that cannot serve a call for a reason the caller should be told
// (no space left in the data dir, the data dir gone, a corrupt database)
// throws KmsError::StoreUnavailable naming the cause (core/kms_error.h); any
// other failure is an internal error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/grant.h"
#include "core/ids.h"
#include "core/key_metadata.h"
#include "core/key_ring.h"

namespace rotor::core {

// AWS's quota of aliases per KMS key (AWS KMS Developer Guide, "Resource
// quotas"): CreateAlias and UpdateAlias refuse more with LimitExceededException.
constexpr size_t kMaxAliasesPerKey = 50;

struct Alias {
  Scope scope;
  std::string name;  // "alias/..."
  std::string target_key_id;
  Timestamp creation_date;
  Timestamp last_updated_date;
};

// The key-last-usage record GetKeyLastUsage reports.
struct KeyUsageRecord {
  std::string key_id;
  std::string operation;
  Timestamp timestamp;
  std::string request_id;
};

// The clock a store was last served with, kept with the data so that a
// restart of a virtual clock resumes where it stopped (core/clock_resume.h).
struct StoredClock {
  bool is_virtual = false;  // the last server on this store ran the virtual clock
  // The latest time a virtual clock reached on this store (kept while a
  // system-clock server runs on it, so a later virtual restart resumes it and a
  // system-clock start can say that the data is dated ahead of the wall clock).
  std::optional<Timestamp> virtual_time;
};

// Whether a store can still take writes. Passing faults (a full disk, a lock
// held by another process) fail one write each and leave the store healthy;
// these do not pass: the store refuses every write from then on.
struct StoreHealth {
  enum class Status {
    kOk,
    kWritesStopped,  // the database was found corrupt: reads go on, writes are refused
    kLost,           // the data dir was removed or replaced under the server: it must stop
    kUnreachable,    // the database server does not answer: calls fail until it does
  };
  Status status = Status::kOk;
  // For people: what happened, in Rotor's words (the message of
  // KmsError::StoreUnavailable; no SQLite text, no paths). Empty when kOk.
  std::string problem;
};

// Due work the scheduler picks up, ordered by time.
struct DueKey {
  Scope scope;
  std::string key_id;
  Timestamp due;
};

// Reads and writes inside one write transaction.
class KeyTransaction {
 public:
  virtual ~KeyTransaction() = default;
  virtual std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) = 0;
  // Inserts or replaces; the caller has bumped key.revision.
  virtual void PutKey(const Key& key) = 0;
  // Removes the key, its material, its aliases, its grants and its usage
  // record, and leaves a tombstone dated `deleted_at`: the instant the
  // deletion took effect (the key's DeletionDate) as core's clock gave it,
  // never the database's own clock (the two differ under the virtual clock).
  virtual void DeleteKey(const Scope& scope, const std::string& key_id, Timestamp deleted_at) = 0;

  virtual std::optional<Alias> GetAlias(const Scope& scope, const std::string& name) = 0;
  virtual void PutAlias(const Alias& alias) = 0;
  virtual void DeleteAlias(const Scope& scope, const std::string& name) = 0;
  virtual std::vector<Alias> AliasesOfKey(const Scope& scope, const std::string& key_id) = 0;
  // The keys of `scope` in any state: all of them, or only the customer
  // managed ones (`customer_managed_only`: AWS managed keys left out). Counted
  // inside the write, so a limit checked here holds however many requests or
  // replicas create keys at once (the keys-per-Region quota).
  virtual size_t CountKeys(const Scope& scope, bool customer_managed_only) = 0;

  // Grants of a key (core/grant.h) ordered by grant id; only those whose Name
  // is `*name` when `name` is given.
  virtual std::vector<Grant> GrantsOfKey(const Scope& scope, const std::string& key_id,
                                         const std::string* name) = 0;
  virtual size_t CountGrants(const Scope& scope, const std::string& key_id) = 0;
  virtual std::optional<Grant> GetGrant(const Scope& scope, const std::string& key_id,
                                        const std::string& grant_id) = 0;
  // Inserts or replaces the grant (scope, key_id, grant_id).
  virtual void PutGrant(const Grant& grant) = 0;
  virtual void DeleteGrant(const Scope& scope, const std::string& key_id,
                           const std::string& grant_id) = 0;

  virtual void PutMaterial(const Scope& scope, const std::string& key_id,
                           const KeyMaterialVersion& version, const SealedMaterial* sealed) = 0;
  virtual std::optional<KeyMaterialVersion> GetMaterialVersion(const Scope& scope,
                                                               const std::string& key_id,
                                                               uint32_t version) = 0;
};

class KeyRepository {
 public:
  virtual ~KeyRepository() = default;

  virtual std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) = 0;
  // Keys of a scope ordered by id, strictly after `after_id`, at most `limit`.
  virtual std::vector<Key> ListKeys(const Scope& scope, const std::string& after_id,
                                    size_t limit) = 0;
  // Keys of every scope ordered by (account, region, id), strictly after the
  // key `after` names (nullptr: from the start). For inventory and reports.
  virtual std::vector<Key> ListAllKeys(const Key* after, size_t limit) = 0;
  virtual std::optional<Alias> GetAlias(const Scope& scope, const std::string& name) = 0;
  // Aliases ordered by name after `after_name`; only those of `key_id` when given.
  virtual std::vector<Alias> ListAliases(const Scope& scope, const std::string* key_id,
                                         const std::string& after_name, size_t limit) = 0;
  // Every grant of a key, ordered by grant id.
  virtual std::vector<Grant> ListGrants(const Scope& scope, const std::string& key_id) = 0;
  // Grants of the scope whose RetiringPrincipal is `principal`, ordered by
  // (key id, grant id), strictly after (after_key_id, after_grant_id), at most `limit`.
  virtual std::vector<Grant> ListRetirableGrants(const Scope& scope, const std::string& principal,
                                                 const std::string& after_key_id,
                                                 const std::string& after_grant_id,
                                                 size_t limit) = 0;
  // Versions ordered by number, strictly after `after_version`.
  virtual std::vector<KeyMaterialVersion> ListMaterialVersions(const Scope& scope,
                                                               const std::string& key_id,
                                                               uint32_t after_version,
                                                               size_t limit) = 0;
  virtual std::optional<SealedMaterial> GetSealedMaterial(const Scope& scope,
                                                          const std::string& key_id,
                                                          uint32_t version) = 0;
  // Keys whose NextEventTime() <= until, earliest first.
  virtual std::vector<DueKey> DueKeys(Timestamp until, size_t limit) = 0;
  virtual std::optional<Timestamp> EarliestEvent() = 0;
  // When a key of that id existed in the scope and was deleted: the
  // `deleted_at` its DeleteKey was given (the latest, if the id was deleted
  // more than once); nullopt when no such key was deleted.
  virtual std::optional<Timestamp> DeletionDate(const Scope& scope, const std::string& key_id) = 0;

  virtual std::optional<KeyUsageRecord> GetLastUsage(const Scope& scope,
                                                     const std::string& key_id) = 0;
  // Batched, best-effort persistence of usage records (off the request path).
  virtual void SaveLastUsage(const std::vector<std::pair<Scope, KeyUsageRecord>>& records) = 0;

  // Runs `fn` in one transaction; returns after a durable commit. If `fn`
  // throws, its changes are rolled back and the exception propagates here.
  // `on_commit` (optional) runs on the writer thread right after the commit,
  // in commit order, before any later transaction commits.
  virtual void Write(const std::function<void(KeyTransaction&)>& fn,
                     const std::function<void()>& on_commit = {}) = 0;

  // Empties every table of keys, aliases, grants, material, usage and tombstones
  // (POST /_rotor/reset). The store's own records below are kept.
  virtual void Reset() = 0;

  // ---- The store's own records: facts about the store, not about its keys.
  // Each Put is durable when it returns; Reset() keeps them.

  // The check value of the root key the store's material is sealed under
  // (core/root_key_check.h: 32 bytes); nullopt while none is recorded.
  virtual std::optional<Bytes> GetRootKeyCheck() = 0;
  virtual void PutRootKeyCheck(const Bytes& check) = 0;

  // The clock the store was last served with; nullopt for a store that never
  // recorded one (new, or written by a Rotor before clocks were stored).
  virtual std::optional<StoredClock> GetStoredClock() = 0;
  virtual void PutStoredClock(const StoredClock& clock) = 0;

  // Whether the store still takes writes. May be called from any thread.
  virtual StoreHealth Health() const { return {}; }

  // For a store that other processes write too (PostgreSQL shared by several
  // replicas): a number, read from the store at the call, that changes with
  // every committed write of keys, aliases, grants or material by any process.
  // A cache compares it to notice writes it did not make (core/key_cache.h).
  // nullopt for a store only this process writes (SQLite, memory).
  virtual std::optional<uint64_t> SharedGeneration() { return std::nullopt; }

  // Whether this process is the one that runs the rotation and deletion
  // worker now (core/background_worker.h). A shared store grants it to one
  // process at a time and to another within seconds after the holder dies
  // (PostgreSQL: a session advisory lock); a store only this process writes
  // always grants it. Never throws: a store it cannot ask answers false.
  virtual bool HoldsWorkerLease() { return true; }
};

}  // namespace rotor::core
