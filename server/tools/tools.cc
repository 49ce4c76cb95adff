#include "server/tools/tools.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "core/compliance_report.h"
#include "core/key_inventory.h"
#include "core/seed_export.h"
#include "server/seed/seed_file.h"
#include "server/tools/report_format.h"

namespace rotor::server::tools {

int RunReport(const ReportOptions& options, core::KeyRepository& repo) {
  core::ReportOptions report_options;
  report_options.now = options.at.value_or(core::SystemClock().Now());
  report_options.max_material_age_days = options.max_material_age_days;
  report_options.expiry_warning_days = options.expiry_warning_days;
  core::KeyInventory inventory(repo);
  core::ComplianceReport report = core::BuildComplianceReport(inventory, report_options);
  if (options.json) {
    std::printf("%s\n", ReportJson(report).dump(2).c_str());
  } else {
    std::fputs(ReportText(report).c_str(), stdout);
  }
  if (options.fail_under && report.coverage_pct < *options.fail_under) {
    std::fprintf(stderr, "rotor report: rotation coverage %.1f%% is under %.1f%%\n",
                 report.coverage_pct, *options.fail_under);
    return 3;
  }
  return 0;
}

int RunExport(const ExportOptions& options, core::KeyRepository& repo,
              const core::KeySealer* sealer) {
  core::KeyInventory inventory(repo);
  core::SeedDocument doc = core::ExportSeed(inventory, repo, sealer);
  std::string text = seed::WriteSeedText(doc, options.yaml);
  if (!options.output.empty()) {
    std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + options.output);
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return 0;
}

}  // namespace rotor::server::tools
