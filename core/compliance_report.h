// ComplianceReport: the rotation KPIs security and FinOps people ask for, per
// account and region: the share of symmetric customer keys with automatic
// rotation on (the CIS check), overdue rotations, material older than a
// manual-rotation policy allows, keys that cannot rotate automatically and
// the age of their material, imported material about to expire, keys
// pending deletion, and disabled keys still referenced by aliases. AWS managed
// keys are counted on their own (always compliant), never as customer keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/key_inventory.h"

namespace rotor::core {

struct ReportOptions {
  Timestamp now;
  int max_material_age_days = 365;  // manual-rotation policy
  int expiry_warning_days = 30;     // imported material expiring within
};

struct ReportEntry {
  std::string key_id;
  std::string arn;
  std::vector<std::string> aliases;
  std::string key_spec;
  std::string key_state;
  std::optional<Timestamp> date;    // next rotation, expiry or deletion date
  std::optional<int64_t> age_days;  // age of the current key material
};

struct ScopeReport {
  Scope scope;
  int total_keys = 0;
  int symmetric_customer_keys = 0;
  int rotation_enabled = 0;
  double coverage_pct = 100.0;
  // Multi-Region keys of this scope by role. A replica counts like any key
  // (its rotation is its primary's, which it shares), but is fixed on the primary.
  int multi_region_primaries = 0;
  int multi_region_replicas = 0;
  // AWS managed keys (KeyManager AWS): rotated by AWS every year, always, so
  // always compliant; in total_keys, in no other count or list.
  int aws_managed_keys = 0;
  std::vector<ReportEntry> rotation_disabled;
  std::vector<ReportEntry> rotation_overdue;
  std::vector<ReportEntry> stale_material;
  std::vector<ReportEntry> cannot_rotate_automatically;
  std::vector<ReportEntry> imported_expiring;
  std::vector<ReportEntry> pending_deletion;  // PendingDeletion and PendingReplicaDeletion
  std::vector<ReportEntry> disabled_with_aliases;
};

struct ComplianceReport {
  ReportOptions options;
  std::vector<ScopeReport> scopes;
  int symmetric_customer_keys = 0;
  int rotation_enabled = 0;
  double coverage_pct = 100.0;  // over every scope
  int aws_managed_keys = 0;     // over every scope
};

ComplianceReport BuildComplianceReport(KeyInventory& inventory, const ReportOptions& options);

}  // namespace rotor::core
