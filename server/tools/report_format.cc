#include "server/tools/report_format.h"

#include <cstdio>

namespace rotor::server::tools {
namespace {

using nlohmann::json;

json Iso(const std::optional<core::Timestamp>& t) {
  return t ? json(core::FormatIso8601(*t)) : json(nullptr);
}

json Entries(const std::vector<core::ReportEntry>& entries) {
  json out = json::array();
  for (const auto& e : entries) {
    out.push_back({{"keyId", e.key_id},
                   {"arn", e.arn},
                   {"aliases", e.aliases},
                   {"keySpec", e.key_spec},
                   {"keyState", e.key_state},
                   {"date", Iso(e.date)},
                   {"materialAgeDays", e.age_days ? json(*e.age_days) : json(nullptr)}});
  }
  return out;
}

std::string Pct(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

void Section(std::string& out, const char* title, const std::vector<core::ReportEntry>& entries,
             const char* date_label) {
  if (entries.empty()) return;
  out += "  " + std::string(title) + " (" + std::to_string(entries.size()) + ")\n";
  for (const auto& e : entries) {
    char line[512];
    std::string alias = e.aliases.empty() ? "-" : e.aliases.front();
    std::string date = e.date ? core::FormatIso8601(*e.date).substr(0, 10) : "-";
    std::string age = e.age_days ? std::to_string(*e.age_days) + "d" : "-";
    std::snprintf(line, sizeof line, "    %-36s  %-24s  %-17s  %-15s  %s %-10s  age %s\n",
                  e.key_id.c_str(), alias.c_str(), e.key_spec.c_str(), e.key_state.c_str(),
                  date_label, date.c_str(), age.c_str());
    out += line;
  }
}

}  // namespace

json ReportJson(const core::ComplianceReport& r) {
  json scopes = json::array();
  for (const auto& s : r.scopes) {
    scopes.push_back(
        {{"account", s.scope.account},
         {"region", s.scope.region},
         {"totalKeys", s.total_keys},
         {"symmetricCustomerKeys", s.symmetric_customer_keys},
         {"rotationEnabled", s.rotation_enabled},
         {"rotationCoveragePct", s.coverage_pct},
         {"awsManagedKeys", s.aws_managed_keys},
         {"multiRegionKeys",
          {{"primary", s.multi_region_primaries}, {"replica", s.multi_region_replicas}}},
         {"rotationDisabled", Entries(s.rotation_disabled)},
         {"rotationOverdue", Entries(s.rotation_overdue)},
         {"staleMaterial", Entries(s.stale_material)},
         {"cannotRotateAutomatically", Entries(s.cannot_rotate_automatically)},
         {"importedMaterialExpiring", Entries(s.imported_expiring)},
         {"pendingDeletion", Entries(s.pending_deletion)},
         {"disabledKeysWithAliases", Entries(s.disabled_with_aliases)}});
  }
  return {{"generatedAt", core::FormatIso8601(r.options.now)},
          {"maxMaterialAgeDays", r.options.max_material_age_days},
          {"expiryWarningDays", r.options.expiry_warning_days},
          {"symmetricCustomerKeys", r.symmetric_customer_keys},
          {"rotationEnabled", r.rotation_enabled},
          {"rotationCoveragePct", r.coverage_pct},
          {"awsManagedKeys", r.aws_managed_keys},
          {"scopes", std::move(scopes)}};
}

std::string ReportText(const core::ComplianceReport& r) {
  std::string out = "Rotor key rotation report, " + core::FormatIso8601(r.options.now) + "\n";
  out += "Automatic rotation coverage (symmetric customer keys): " + Pct(r.coverage_pct) + " (" +
         std::to_string(r.rotation_enabled) + " of " + std::to_string(r.symmetric_customer_keys) +
         ")\n";
  if (r.aws_managed_keys > 0) {
    out += "AWS managed keys (rotated by AWS every year, always compliant): " +
           std::to_string(r.aws_managed_keys) + "\n";
  }
  if (r.scopes.empty()) out += "No keys.\n";
  for (const auto& s : r.scopes) {
    out += "\n" + s.scope.account + " " + s.scope.region + ": " + std::to_string(s.total_keys) +
           " keys, rotation coverage " + Pct(s.coverage_pct) + " (" +
           std::to_string(s.rotation_enabled) + " of " + std::to_string(s.symmetric_customer_keys) +
           ")\n";
    if (s.multi_region_primaries + s.multi_region_replicas > 0) {
      out += "  Multi-Region keys: " + std::to_string(s.multi_region_primaries) + " primary, " +
             std::to_string(s.multi_region_replicas) +
             " replica (a replica's rotation is set on its primary)\n";
    }
    if (s.aws_managed_keys > 0) {
      out +=
          "  AWS managed keys (rotated by AWS every year): " + std::to_string(s.aws_managed_keys) +
          "\n";
    }
    Section(out, "Automatic rotation disabled", s.rotation_disabled, "");
    Section(out, "Rotation overdue", s.rotation_overdue, "due");
    Section(out,
            ("Material older than " + std::to_string(r.options.max_material_age_days) + " days")
                .c_str(),
            s.stale_material, "");
    Section(out, "Cannot rotate automatically (asymmetric, HMAC, imported)",
            s.cannot_rotate_automatically, "");
    Section(out, "Imported material expiring", s.imported_expiring, "expires");
    Section(out, "Pending deletion", s.pending_deletion, "deleted");
    Section(out, "Disabled keys still referenced by aliases", s.disabled_with_aliases, "");
  }
  return out;
}

}  // namespace rotor::server::tools
