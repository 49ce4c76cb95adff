#include "core/compliance_report.h"

#include <set>

#include "core/key_spec_info.h"

namespace rotor::core {
namespace {

double Percent(int part, int whole) { return whole == 0 ? 100.0 : 100.0 * part / whole; }

ReportEntry EntryFor(const KeyOverview& o, const ReportOptions& options) {
  const Key& k = o.key;
  ReportEntry e{k.id,
                k.Arn(),
                o.aliases,
                std::string(ToString(k.spec)),
                std::string(ToString(k.state)),
                std::string(ToString(k.origin)),
                std::nullopt,
                std::nullopt};
  if (k.current_version > 0 && k.state != KeyState::kPendingImport) {
    Timestamp since = k.current_material_since.value_or(k.creation_date);
    e.age_days = std::chrono::duration_cast<std::chrono::hours>(options.now - since).count() / 24;
  }
  return e;
}

// When the imported material of a key waiting for material (PendingImport)
// expired: the latest ValidTo at or before now among its versions that lost
// their material. None when the material was deleted by hand (or never imported).
std::optional<Timestamp> ExpiredAt(KeyInventory& inventory, const Key& k, Timestamp now) {
  std::optional<Timestamp> at;
  for (const KeyMaterialVersion& v : inventory.Versions(k, k.version_count)) {
    if (v.import_state == ImportState::kPendingImport && v.valid_to && *v.valid_to <= now &&
        (!at || *v.valid_to > *at)) {
      at = v.valid_to;
    }
  }
  return at;
}

int DistinctKeys(const ScopeReport& s) {
  std::set<std::string> ids;
  for (const auto* list :
       {&s.rotation_disabled, &s.rotation_overdue, &s.stale_material, &s.manual_rotation_due,
        &s.imported_expiring, &s.imported_expired, &s.pending_deletion, &s.disabled_with_aliases}) {
    for (const ReportEntry& e : *list) ids.insert(e.key_id);
  }
  return static_cast<int>(ids.size());
}

}  // namespace

CoverageExclusions& CoverageExclusions::operator+=(const CoverageExclusions& o) {
  asymmetric += o.asymmetric;
  hmac += o.hmac;
  imported += o.imported;
  pending_deletion += o.pending_deletion;
  aws_managed += o.aws_managed;
  return *this;
}

ComplianceReport BuildComplianceReport(KeyInventory& inventory, const ReportOptions& options) {
  ComplianceReport report;
  report.options = options;
  inventory.ForEach([&](const KeyOverview& o) {
    const Key& k = o.key;
    if (report.scopes.empty() || !(report.scopes.back().scope == k.scope)) {
      report.scopes.push_back(ScopeReport{});
      report.scopes.back().scope = k.scope;
    }
    ScopeReport& s = report.scopes.back();
    ++s.total_keys;
    if (k.manager == KeyManager::kAws) {
      // AWS rotates its managed keys every year and no one can turn that
      // off: always compliant, counted on their own line and never as
      // customer keys.
      ++s.aws_managed_keys;
      ++s.excluded.aws_managed;
      return true;
    }
    ReportEntry entry = EntryFor(o, options);

    if (k.IsPrimary()) ++s.multi_region_primaries;
    if (k.IsReplica()) ++s.multi_region_replicas;
    if (k.state == KeyState::kPendingDeletion || k.state == KeyState::kPendingReplicaDeletion) {
      entry.date = k.deletion_date;  // none while a primary waits for its replicas' deletion
      s.pending_deletion.push_back(entry);
      ++s.excluded.pending_deletion;
      return true;  // a key on its way out is not counted against coverage
    }
    bool rotatable = k.spec == KeySpec::kSymmetricDefault && k.origin == Origin::kAwsKms;
    if (rotatable) {
      ++s.symmetric_customer_keys;
      if (k.rotation.enabled) {
        ++s.rotation_enabled;
        if (k.rotation.next_rotation && *k.rotation.next_rotation < options.now) {
          entry.date = k.rotation.next_rotation;
          s.rotation_overdue.push_back(entry);
        }
      } else {
        s.rotation_disabled.push_back(entry);
      }
    } else {
      if (k.origin != Origin::kAwsKms) {
        ++s.excluded.imported;
      } else if (IsHmacSpec(k.spec)) {
        ++s.excluded.hmac;
      } else {
        ++s.excluded.asymmetric;
      }
      if (k.current_version > 0 || k.origin == Origin::kExternal)
        s.cannot_rotate_automatically.push_back(entry);
    }
    if (entry.age_days && *entry.age_days > options.max_material_age_days) {
      s.stale_material.push_back(entry);
      if (!rotatable) s.manual_rotation_due.push_back(entry);
    }
    if (k.origin == Origin::kExternal) {
      // Expired: ValidTo passed, whether KMS has deleted the material yet
      // (the key is then PendingImport and the date is on its versions) or not.
      std::optional<Timestamp> expired;
      if (k.material_valid_to && *k.material_valid_to <= options.now) {
        expired = k.material_valid_to;
      } else if (k.state == KeyState::kPendingImport && k.version_count > 0) {
        expired = ExpiredAt(inventory, k, options.now);
      }
      ReportEntry dated = entry;
      if (expired) {
        dated.date = expired;
        s.imported_expired.push_back(dated);
      } else if (k.material_valid_to &&
                 *k.material_valid_to <= options.now + Days(options.expiry_warning_days)) {
        dated.date = k.material_valid_to;
        s.imported_expiring.push_back(dated);
      }
    }
    if (k.state == KeyState::kDisabled && !o.aliases.empty())
      s.disabled_with_aliases.push_back(entry);
    return true;
  });
  for (ScopeReport& s : report.scopes) {
    s.keys_with_problems = DistinctKeys(s);
    report.keys_with_problems += s.keys_with_problems;
    report.excluded += s.excluded;
    s.coverage_pct = Percent(s.rotation_enabled, s.symmetric_customer_keys);
    report.symmetric_customer_keys += s.symmetric_customer_keys;
    report.rotation_enabled += s.rotation_enabled;
    report.aws_managed_keys += s.aws_managed_keys;
  }
  report.coverage_pct = Percent(report.rotation_enabled, report.symmetric_customer_keys);
  return report;
}

}  // namespace rotor::core
