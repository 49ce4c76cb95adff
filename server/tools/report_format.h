// Renders a ComplianceReport: JSON for machines (GET /_rotor/report,
// `rotor report --format json`), a text table for people (`rotor report`) and
// Markdown for CI job summaries (`--format markdown`, e.g. appended to
// $GITHUB_STEP_SUMMARY). Text and Markdown carry the same facts: the coverage
// figure and the keys it leaves out (and why), one summary line per finding,
// the count of distinct keys with problems, then one table per finding and
// account/Region with column headers. Dates are ISO-8601 days (UTC), ages
// whole days.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/compliance_report.h"

namespace rotor::server::tools {

enum class ReportFormat { kText, kJson, kMarkdown };

nlohmann::json ReportJson(const core::ComplianceReport& report);
std::string ReportText(const core::ComplianceReport& report);
std::string ReportMarkdown(const core::ComplianceReport& report);

// The report in `format` (JSON pretty-printed with a final newline).
std::string RenderReport(const core::ComplianceReport& report, ReportFormat format);

}  // namespace rotor::server::tools
