// ComplianceReport: the rotation KPIs security and FinOps people ask for, per
// account and region: the share of symmetric customer keys with automatic
// rotation on (the CIS check), overdue rotations, material older than a
// manual-rotation policy allows, keys that cannot rotate automatically and
// the age of their material, imported material about to expire, keys
// pending deletion, and disabled keys still referenced by aliases. AWS managed
// keys are counted on their own (always compliant), never as customer keys.
// Each list is a finding; a key can be in several. Keys that cannot rotate
// automatically are listed for information (they are what the coverage figure
// leaves out) and count as a problem only when their material is older than
// the policy ("manual rotation due") or their imported material expires.
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
  std::string origin;               // AWS_KMS, EXTERNAL, ...
  std::optional<Timestamp> date;    // next rotation, expiry or deletion date
  std::optional<int64_t> age_days;  // age of the current key material
};

// The keys the coverage figure leaves out, by why (counts of keys).
struct CoverageExclusions {
  int asymmetric = 0;        // AWS KMS does not rotate asymmetric keys automatically
  int hmac = 0;              // nor HMAC keys
  int imported = 0;          // nor keys with imported material (Origin EXTERNAL)
  int pending_deletion = 0;  // on their way out
  int aws_managed = 0;       // rotated by AWS every year, whatever anyone sets
  CoverageExclusions& operator+=(const CoverageExclusions& o);
  int Total() const { return asymmetric + hmac + imported + pending_deletion + aws_managed; }
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
  std::vector<ReportEntry> cannot_rotate_automatically;  // information, not a finding
  // Keys that cannot rotate automatically whose material is older than the
  // policy: someone has to rotate them by hand (also in stale_material).
  std::vector<ReportEntry> manual_rotation_due;
  // Imported material expiring after now and within the warning window; date: ValidTo.
  std::vector<ReportEntry> imported_expiring;
  // Imported material whose ValidTo has passed (deleted by KMS, or due to be):
  // the key cannot be used until the material is imported again; date: ValidTo.
  std::vector<ReportEntry> imported_expired;
  std::vector<ReportEntry> pending_deletion;  // PendingDeletion and PendingReplicaDeletion
  std::vector<ReportEntry> disabled_with_aliases;
  CoverageExclusions excluded;
  int keys_with_problems = 0;  // distinct keys in any finding (every list but cannot_rotate_...)
};

struct ComplianceReport {
  ReportOptions options;
  std::vector<ScopeReport> scopes;
  int symmetric_customer_keys = 0;
  int rotation_enabled = 0;
  double coverage_pct = 100.0;  // over every scope
  int aws_managed_keys = 0;     // over every scope
  CoverageExclusions excluded;  // over every scope
  int keys_with_problems = 0;   // over every scope
};

// Reads every key of `inventory` (and, for imported keys waiting for
// material, their versions) and builds the report at options.now. Ages are
// whole days of the current material. Throws what the repository throws.
ComplianceReport BuildComplianceReport(KeyInventory& inventory, const ReportOptions& options);

}  // namespace rotor::core
