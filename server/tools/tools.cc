#include "server/tools/tools.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "core/clock_resume.h"
#include "core/compliance_report.h"
#include "core/key_inventory.h"
#include "core/seed_export.h"
#include "server/seed/seed_file.h"
#include "server/tools/report_format.h"

namespace rotor::server::tools {
namespace {

// Writes `text` to `path`, a new file being made 0600 whatever the umask.
// `exclusive` (an export holding plaintext key material): the file must not
// exist yet, so the material never lands in a file someone else prepared (or
// a symlink), and nothing is overwritten. Throws std::runtime_error.
void WriteOutput(const std::string& path, const std::string& text, bool exclusive) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (exclusive ? O_EXCL : O_TRUNC);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (exclusive && errno == EEXIST) {
      throw std::runtime_error(path +
                               " already exists: an export with --include-material creates a new "
                               "file (mode 0600) and never overwrites one; remove it or choose "
                               "another --output");
    }
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0)
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace

int RunReport(const ReportOptions& options, core::KeyRepository& repo) {
  core::ReportOptions report_options;
  // A data dir last served by a virtual clock is reported at its stored time.
  report_options.now = options.at.value_or(core::StoreNow(repo, core::SystemClock().Now()));
  report_options.max_material_age_days = options.max_material_age_days;
  report_options.expiry_warning_days = options.expiry_warning_days;
  core::KeyInventory inventory(repo);
  core::ComplianceReport report = core::BuildComplianceReport(inventory, report_options);
  std::fputs(RenderReport(report, options.format).c_str(), stdout);
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
    WriteOutput(options.output, text, options.include_material);
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return 0;
}

}  // namespace rotor::server::tools
