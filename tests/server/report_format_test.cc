// The rotation report as people and CI read it (server/tools/report_format.*):
// column headers, one summary line per finding, the count of distinct keys
// with problems, the keys the coverage figure leaves out and why, in text,
// Markdown and JSON, from a ComplianceReport built by hand.
#include "server/tools/report_format.h"

#include <catch2/catch.hpp>

using namespace rotor::core;
using namespace rotor::server::tools;

namespace {

const Timestamp kNow = *ParseIso8601("2026-06-01T00:00:00Z");

ReportEntry Entry(const std::string& id, const std::string& spec, const std::string& origin,
                  std::optional<Timestamp> date, std::optional<int64_t> age,
                  std::vector<std::string> aliases = {}) {
  return ReportEntry{
      id, "arn:aws:kms:us-east-1:111122223333:key/" + id, aliases, spec, "Enabled", origin, date,
      age};
}

// One scope: 1 of 2 symmetric keys rotating; an RSA key due for manual
// rotation; an imported key whose material expired; an AWS managed key.
ComplianceReport Sample() {
  ComplianceReport r;
  r.options.now = kNow;
  ScopeReport s;
  s.scope = {"111122223333", "us-east-1"};
  s.total_keys = 5;
  s.symmetric_customer_keys = 2;
  s.rotation_enabled = 1;
  s.coverage_pct = 50.0;
  s.aws_managed_keys = 1;
  s.rotation_disabled = {Entry("sym-off", "SYMMETRIC_DEFAULT", "AWS_KMS", std::nullopt, 400,
                               {"alias/app", "alias/app-old"})};
  ReportEntry rsa = Entry("rsa-old", "RSA_2048", "AWS_KMS", std::nullopt, 400);
  ReportEntry sym_old = s.rotation_disabled[0];
  s.stale_material = {sym_old, rsa};
  s.manual_rotation_due = {rsa};
  s.cannot_rotate_automatically = {rsa,
                                   Entry("ext", "SYMMETRIC_DEFAULT", "EXTERNAL", std::nullopt, {})};
  s.imported_expired = {Entry("ext", "SYMMETRIC_DEFAULT", "EXTERNAL", kNow - Days(3), {})};
  s.excluded.asymmetric = 1;
  s.excluded.imported = 1;
  s.excluded.aws_managed = 1;
  s.keys_with_problems = 3;  // sym-off, rsa-old, ext
  r.scopes.push_back(s);
  r.symmetric_customer_keys = 2;
  r.rotation_enabled = 1;
  r.coverage_pct = 50.0;
  r.aws_managed_keys = 1;
  r.excluded = s.excluded;
  r.keys_with_problems = 3;
  return r;
}

bool Has(const std::string& text, const std::string& part) {
  INFO(text);
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("Report text: coverage, what it leaves out and why, one line per finding") {
  std::string t = ReportText(Sample());
  CHECK(
      t.starts_with("Rotor key rotation report, 2026-06-01T00:00:00Z\n"
                    "Automatic rotation coverage (symmetric customer keys): 50.0% (1 of 2)\n"
                    "Left out of the coverage figure: 1 asymmetric and 1 imported keys (AWS KMS "
                    "rotates only symmetric keys with its own material automatically); 1 AWS "
                    "managed key (AWS rotates them every year; always compliant)\n"
                    "Findings: 3 keys with problems\n"
                    "  1 key: Automatic rotation disabled\n"
                    "  1 key: Manual rotation due (cannot rotate automatically, material older "
                    "than 365 days)\n"
                    "  2 keys: Material older than 365 days\n"
                    "  1 key: Imported material expired (key unusable until reimported)\n"
                    "\n111122223333 us-east-1: 5 keys, rotation coverage 50.0% (1 of 2), 3 keys "
                    "with problems\n"));
  // The informational list is a section, never a finding line.
  CHECK_FALSE(Has(t, "key: Cannot rotate"));
  CHECK(Has(t, "  Cannot rotate automatically (asymmetric, HMAC, imported) (2)\n"));
}

TEST_CASE("Report text: each section is a table with column headers, aligned") {
  std::string t = ReportText(Sample());
  // The expired section has a date column named for what the date is.
  CHECK(Has(t,
            "  Imported material expired (key unusable until reimported) (1)\n"
            "    KEY ID  ALIAS  SPEC               ORIGIN    STATE    EXPIRED     AGE\n"
            "    ext     -      SYMMETRIC_DEFAULT  EXTERNAL  Enabled  2026-05-29  -\n"));
  // No date column where there is no date; a second alias is counted.
  CHECK(Has(t,
            "  Automatic rotation disabled (1)\n"
            "    KEY ID   ALIAS           SPEC               ORIGIN   STATE    AGE\n"
            "    sym-off  alias/app (+1)  SYMMETRIC_DEFAULT  AWS_KMS  Enabled  400d\n"));
}

TEST_CASE("Report text: no keys, and no findings") {
  ComplianceReport empty;
  empty.options.now = kNow;
  CHECK(ReportText(empty) ==
        "Rotor key rotation report, 2026-06-01T00:00:00Z\n"
        "Automatic rotation coverage (symmetric customer keys): 100.0% (0 of 0)\n"
        "Left out of the coverage figure: none\n"
        "No keys.\n");
  ComplianceReport clean = Sample();
  ScopeReport& s = clean.scopes[0];
  s.rotation_disabled.clear();
  s.stale_material.clear();
  s.manual_rotation_due.clear();
  s.imported_expired.clear();
  s.keys_with_problems = 0;
  clean.keys_with_problems = 0;
  std::string t = ReportText(clean);
  CHECK(Has(t, "Findings: 0 keys with problems\n  none\n"));
}

TEST_CASE("Report markdown: headings, a findings table and escaped cells for a CI summary") {
  std::string m = ReportMarkdown(Sample());
  CHECK(
      m.starts_with("## Rotor key rotation report\n\nGenerated 2026-06-01T00:00:00Z.\n\n"
                    "**Automatic rotation coverage: 50.0%** (1 of 2 symmetric customer keys)\n"));
  CHECK(Has(m,
            "### Findings: 3 keys with problems\n\n"
            "| Finding | Keys |\n"
            "| --- | --- |\n"
            "| Automatic rotation disabled | 1 |\n"));
  CHECK(Has(m, "| Imported material expired (key unusable until reimported) | 1 |\n"));
  CHECK(Has(m,
            "#### Imported material expired (key unusable until reimported) (1)\n\n"
            "| KEY ID | ALIAS | SPEC | ORIGIN | STATE | EXPIRED | AGE |\n"
            "| --- | --- | --- | --- | --- | --- | --- |\n"
            "| ext | - | SYMMETRIC\\_DEFAULT | EXTERNAL | Enabled | 2026-05-29 | - |\n"));
  CHECK(Has(m, "Left out of the coverage figure: 1 asymmetric and 1 imported keys"));
  CHECK_FALSE(Has(m, "| Cannot rotate"));
}

TEST_CASE("Report JSON: finding counts, exclusions and distinct keys with problems") {
  nlohmann::json j = ReportJson(Sample());
  CHECK(j["keysWithProblems"] == 3);
  CHECK(j["coverageExcludes"] == nlohmann::json{{"asymmetric", 1},
                                                {"hmac", 0},
                                                {"imported", 1},
                                                {"pendingDeletion", 0},
                                                {"awsManaged", 1}});
  CHECK(j["findings"]["staleMaterial"] == 2);
  CHECK(j["findings"]["manualRotationDue"] == 1);
  CHECK(j["findings"]["importedMaterialExpired"] == 1);
  CHECK(j["findings"]["rotationOverdue"] == 0);
  const auto& s = j["scopes"][0];
  CHECK(s["keysWithProblems"] == 3);
  CHECK(s["importedMaterialExpired"][0]["date"] == "2026-05-29T00:00:00Z");
  CHECK(s["importedMaterialExpired"][0]["origin"] == "EXTERNAL");
  CHECK(s["manualRotationDue"][0]["keyId"] == "rsa-old");
  CHECK(RenderReport(Sample(), ReportFormat::kJson) == j.dump(2) + "\n");
}
