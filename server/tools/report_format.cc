#include "server/tools/report_format.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace rotor::server::tools {
namespace {

using nlohmann::json;
using Entries = std::vector<core::ReportEntry>;

// One finding: a list of every ScopeReport, its JSON name, its title for
// people and the header of its date column (empty: no date column).
struct Finding {
  const char* json_name;
  std::string title;
  const char* date_header;
  const Entries core::ScopeReport::*list;
  bool problem;  // false: listed for information, not counted as a problem
};

std::vector<Finding> Findings(const core::ReportOptions& o) {
  using S = core::ScopeReport;
  std::string age = std::to_string(o.max_material_age_days) + " days";
  return {
      {"rotationDisabled", "Automatic rotation disabled", "", &S::rotation_disabled, true},
      {"rotationOverdue", "Rotation overdue", "DUE", &S::rotation_overdue, true},
      {"manualRotationDue",
       "Manual rotation due (cannot rotate automatically, material older than " + age + ")", "",
       &S::manual_rotation_due, true},
      {"staleMaterial", "Material older than " + age, "", &S::stale_material, true},
      {"importedMaterialExpired", "Imported material expired (key unusable until reimported)",
       "EXPIRED", &S::imported_expired, true},
      {"importedMaterialExpiring",
       "Imported material expiring within " + std::to_string(o.expiry_warning_days) + " days",
       "EXPIRES", &S::imported_expiring, true},
      {"pendingDeletion", "Pending deletion", "DELETION", &S::pending_deletion, true},
      {"disabledKeysWithAliases", "Disabled keys still referenced by aliases", "",
       &S::disabled_with_aliases, true},
      {"cannotRotateAutomatically", "Cannot rotate automatically (asymmetric, HMAC, imported)", "",
       &S::cannot_rotate_automatically, false},
  };
}

size_t Total(const core::ComplianceReport& r, const Finding& f) {
  size_t n = 0;
  for (const auto& s : r.scopes) n += (s.*f.list).size();
  return n;
}

json Iso(const std::optional<core::Timestamp>& t) {
  return t ? json(core::FormatIso8601(*t)) : json(nullptr);
}

json EntriesJson(const Entries& entries) {
  json out = json::array();
  for (const auto& e : entries) {
    out.push_back({{"keyId", e.key_id},
                   {"arn", e.arn},
                   {"aliases", e.aliases},
                   {"keySpec", e.key_spec},
                   {"keyState", e.key_state},
                   {"origin", e.origin},
                   {"date", Iso(e.date)},
                   {"materialAgeDays", e.age_days ? json(*e.age_days) : json(nullptr)}});
  }
  return out;
}

json ExclusionsJson(const core::CoverageExclusions& x) {
  return {{"asymmetric", x.asymmetric},
          {"hmac", x.hmac},
          {"imported", x.imported},
          {"pendingDeletion", x.pending_deletion},
          {"awsManaged", x.aws_managed}};
}

std::string Pct(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

std::string Keys(size_t n) { return std::to_string(n) + (n == 1 ? " key" : " keys"); }

// "Left out of the coverage figure: ..." without the heading: the keys the
// figure does not count, by why.
std::string ExclusionsText(const core::CoverageExclusions& x) {
  std::vector<std::string> parts;
  std::vector<std::string> kinds;
  if (x.asymmetric) kinds.push_back(std::to_string(x.asymmetric) + " asymmetric");
  if (x.hmac) kinds.push_back(std::to_string(x.hmac) + " HMAC");
  if (x.imported) kinds.push_back(std::to_string(x.imported) + " imported");
  if (!kinds.empty()) {
    std::string list;
    for (size_t i = 0; i < kinds.size(); ++i)
      list += (i == 0 ? "" : i + 1 == kinds.size() ? " and " : ", ") + kinds[i];
    int n = x.asymmetric + x.hmac + x.imported;
    parts.push_back(list + (n == 1 ? " key" : " keys") +
                    " (AWS KMS rotates only symmetric keys with its own material automatically)");
  }
  if (x.pending_deletion)
    parts.push_back(Keys(x.pending_deletion) + " pending deletion (on their way out)");
  if (x.aws_managed) {
    parts.push_back(std::to_string(x.aws_managed) + " AWS managed " +
                    (x.aws_managed == 1 ? "key" : "keys") +
                    " (AWS rotates them every year; always compliant)");
  }
  if (parts.empty()) return "none";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return out;
}

std::vector<std::string> Row(const core::ReportEntry& e, bool dated) {
  std::string alias = e.aliases.empty() ? "-" : e.aliases.front();
  if (e.aliases.size() > 1) alias += " (+" + std::to_string(e.aliases.size() - 1) + ")";
  std::vector<std::string> row{e.key_id, alias, e.key_spec, e.origin, e.key_state};
  if (dated) row.push_back(e.date ? core::FormatIso8601(*e.date).substr(0, 10) : "-");
  row.push_back(e.age_days ? std::to_string(*e.age_days) + "d" : "-");
  return row;
}

std::vector<std::string> Header(const Finding& f) {
  std::vector<std::string> h{"KEY ID", "ALIAS", "SPEC", "ORIGIN", "STATE"};
  if (*f.date_header) h.push_back(f.date_header);
  h.push_back("AGE");
  return h;
}

// A table with a header line, columns as wide as their widest cell.
void TextTable(std::string& out, const std::string& indent,
               const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
}

std::string MdCell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

void MdTable(std::string& out, const std::vector<std::vector<std::string>>& rows) {
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string line = "|";
    for (const auto& cell : rows[r]) line += " " + (r == 0 ? cell : MdCell(cell)) + " |";
    out += line + "\n";
    if (r == 0) {
      std::string sep = "|";
      for (size_t i = 0; i < rows[r].size(); ++i) sep += " --- |";
      out += sep + "\n";
    }
  }
}

std::vector<std::vector<std::string>> TableRows(const Finding& f, const Entries& entries) {
  std::vector<std::vector<std::string>> rows{Header(f)};
  for (const auto& e : entries) rows.push_back(Row(e, *f.date_header != '\0'));
  return rows;
}

std::string ScopeLine(const core::ScopeReport& s) {
  return s.scope.account + " " + s.scope.region + ": " + std::to_string(s.total_keys) +
         " keys, rotation coverage " + Pct(s.coverage_pct) + " (" +
         std::to_string(s.rotation_enabled) + " of " + std::to_string(s.symmetric_customer_keys) +
         "), " + Keys(s.keys_with_problems) + " with problems";
}

std::string MultiRegionLine(const core::ScopeReport& s) {
  return "Multi-Region keys: " + std::to_string(s.multi_region_primaries) + " primary, " +
         std::to_string(s.multi_region_replicas) +
         " replica (a replica's rotation is set on its primary)";
}

}  // namespace

json ReportJson(const core::ComplianceReport& r) {
  std::vector<Finding> findings = Findings(r.options);
  json scopes = json::array();
  for (const auto& s : r.scopes) {
    json scope = {{"account", s.scope.account},
                  {"region", s.scope.region},
                  {"totalKeys", s.total_keys},
                  {"symmetricCustomerKeys", s.symmetric_customer_keys},
                  {"rotationEnabled", s.rotation_enabled},
                  {"rotationCoveragePct", s.coverage_pct},
                  {"coverageExcludes", ExclusionsJson(s.excluded)},
                  {"keysWithProblems", s.keys_with_problems},
                  {"awsManagedKeys", s.aws_managed_keys},
                  {"multiRegionKeys",
                   {{"primary", s.multi_region_primaries}, {"replica", s.multi_region_replicas}}}};
    for (const Finding& f : findings) scope[f.json_name] = EntriesJson(s.*f.list);
    scopes.push_back(std::move(scope));
  }
  json counts = json::object();
  for (const Finding& f : findings) counts[f.json_name] = Total(r, f);
  return {{"generatedAt", core::FormatIso8601(r.options.now)},
          {"maxMaterialAgeDays", r.options.max_material_age_days},
          {"expiryWarningDays", r.options.expiry_warning_days},
          {"symmetricCustomerKeys", r.symmetric_customer_keys},
          {"rotationEnabled", r.rotation_enabled},
          {"rotationCoveragePct", r.coverage_pct},
          {"coverageExcludes", ExclusionsJson(r.excluded)},
          {"keysWithProblems", r.keys_with_problems},
          {"findings", std::move(counts)},
          {"awsManagedKeys", r.aws_managed_keys},
          {"scopes", std::move(scopes)}};
}

std::string ReportText(const core::ComplianceReport& r) {
  std::vector<Finding> findings = Findings(r.options);
  std::string out = "Rotor key rotation report, " + core::FormatIso8601(r.options.now) + "\n";
  out += "Automatic rotation coverage (symmetric customer keys): " + Pct(r.coverage_pct) + " (" +
         std::to_string(r.rotation_enabled) + " of " + std::to_string(r.symmetric_customer_keys) +
         ")\n";
  out += "Left out of the coverage figure: " + ExclusionsText(r.excluded) + "\n";
  if (r.scopes.empty()) return out + "No keys.\n";
  out += "Findings: " + Keys(r.keys_with_problems) + " with problems\n";
  bool any = false;
  for (const Finding& f : findings) {
    size_t n = Total(r, f);
    if (n == 0 || !f.problem) continue;
    out += "  " + Keys(n) + ": " + f.title + "\n";
    any = true;
  }
  if (!any) out += "  none\n";
  for (const auto& s : r.scopes) {
    out += "\n" + ScopeLine(s) + "\n";
    if (s.excluded.Total() > 0)
      out += "  Left out of its coverage: " + ExclusionsText(s.excluded) + "\n";
    if (s.multi_region_primaries + s.multi_region_replicas > 0)
      out += "  " + MultiRegionLine(s) + "\n";
    for (const Finding& f : findings) {
      const Entries& entries = s.*f.list;
      if (entries.empty()) continue;
      out += "  " + f.title + " (" + std::to_string(entries.size()) + ")\n";
      TextTable(out, "    ", TableRows(f, entries));
    }
  }
  return out;
}

std::string ReportMarkdown(const core::ComplianceReport& r) {
  std::vector<Finding> findings = Findings(r.options);
  std::string out = "## Rotor key rotation report\n\n";
  out += "Generated " + core::FormatIso8601(r.options.now) + ".\n\n";
  out += "**Automatic rotation coverage: " + Pct(r.coverage_pct) + "** (" +
         std::to_string(r.rotation_enabled) + " of " + std::to_string(r.symmetric_customer_keys) +
         " symmetric customer keys)\n\n";
  out += "Left out of the coverage figure: " + MdCell(ExclusionsText(r.excluded)) + "\n\n";
  if (r.scopes.empty()) return out + "No keys.\n";
  out += "### Findings: " + Keys(r.keys_with_problems) + " with problems\n\n";
  std::vector<std::vector<std::string>> summary{{"Finding", "Keys"}};
  for (const Finding& f : findings) {
    size_t n = Total(r, f);
    if (n > 0 && f.problem) summary.push_back({f.title, std::to_string(n)});
  }
  if (summary.size() == 1) {
    out += "None.\n";
  } else {
    MdTable(out, summary);
  }
  for (const auto& s : r.scopes) {
    out += "\n### " + MdCell(ScopeLine(s)) + "\n\n";
    if (s.excluded.Total() > 0)
      out += "Left out of its coverage: " + MdCell(ExclusionsText(s.excluded)) + "\n\n";
    if (s.multi_region_primaries + s.multi_region_replicas > 0)
      out += MdCell(MultiRegionLine(s)) + "\n\n";
    for (const Finding& f : findings) {
      const Entries& entries = s.*f.list;
      if (entries.empty()) continue;
      out += "#### " + MdCell(f.title) + " (" + std::to_string(entries.size()) + ")\n\n";
      MdTable(out, TableRows(f, entries));
      out += "\n";
    }
  }
  return out;
}

std::string RenderReport(const core::ComplianceReport& r, ReportFormat format) {
  switch (format) {
    case ReportFormat::kJson:
      return ReportJson(r).dump(2) + "\n";
    case ReportFormat::kMarkdown:
      return ReportMarkdown(r);
    case ReportFormat::kText:
      break;
  }
  return ReportText(r);
}

}  // namespace rotor::server::tools
