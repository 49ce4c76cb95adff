#include "core/compliance_report.h"

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
                std::nullopt,
                std::nullopt};
  if (k.current_version > 0 && k.state != KeyState::kPendingImport) {
    Timestamp since = k.current_material_since.value_or(k.creation_date);
    e.age_days = std::chrono::duration_cast<std::chrono::hours>(options.now - since).count() / 24;
  }
  return e;
}

}  // namespace

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
      return true;
    }
    ReportEntry entry = EntryFor(o, options);

    if (k.IsPrimary()) ++s.multi_region_primaries;
    if (k.IsReplica()) ++s.multi_region_replicas;
    if (k.state == KeyState::kPendingDeletion || k.state == KeyState::kPendingReplicaDeletion) {
      entry.date = k.deletion_date;  // none while a primary waits for its replicas' deletion
      s.pending_deletion.push_back(entry);
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
    } else if (k.current_version > 0 || k.origin == Origin::kExternal) {
      s.cannot_rotate_automatically.push_back(entry);
    }
    if (entry.age_days && *entry.age_days > options.max_material_age_days)
      s.stale_material.push_back(entry);
    if (k.origin == Origin::kExternal && k.material_valid_to &&
        *k.material_valid_to <= options.now + Days(options.expiry_warning_days)) {
      ReportEntry expiring = entry;
      expiring.date = k.material_valid_to;
      s.imported_expiring.push_back(expiring);
    }
    if (k.state == KeyState::kDisabled && !o.aliases.empty())
      s.disabled_with_aliases.push_back(entry);
    return true;
  });
  for (ScopeReport& s : report.scopes) {
    s.coverage_pct = Percent(s.rotation_enabled, s.symmetric_customer_keys);
    report.symmetric_customer_keys += s.symmetric_customer_keys;
    report.rotation_enabled += s.rotation_enabled;
    report.aws_managed_keys += s.aws_managed_keys;
  }
  report.coverage_pct = Percent(report.rotation_enabled, report.symmetric_customer_keys);
  return report;
}

}  // namespace rotor::core
