// `rotor report` and `rotor export`: tools that read a data dir or a
// PostgreSQL store (read-only, so they also work while servers run on it). Their flags are parsed
// by the server's own parser (server/config.h) and the store is opened by the composition root
// (server/main.cc); the tools see only core's repository port.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/key_repository.h"
#include "core/key_sealer.h"
#include "server/tools/report_format.h"

namespace rotor::server::tools {

struct ReportOptions {
  std::string data_dir;
  // --store postgres --database-url URL, as the server's (server/config.h):
  // the store is that database, opened without migrating it.
  bool postgres_store = false;
  std::string database_url;
  ReportFormat format = ReportFormat::kText;  // --format text|json|markdown (--json: json)
  int max_material_age_days = 365;            // material older than this is stale
  int expiry_warning_days = 30;               // imported material expiring within this many days
  // The report's "now". Default: the stored time of a data dir last served by
  // a virtual clock (core/clock_resume.h), else the system clock.
  std::optional<core::Timestamp> at;
  std::optional<double> fail_under;  // percent; exit 3 when coverage is under it
  bool help = false;
};

struct ExportOptions {
  std::string data_dir;         // with --store postgres: where root.key is (nothing else)
  bool postgres_store = false;  // as ReportOptions'
  std::string database_url;
  bool yaml = true;  // --format yaml|json
  bool include_material = false;
  // Empty: stdout. A file is created 0600 whatever the umask; with
  // --include-material it must not exist yet (created exclusively).
  std::string output;
  std::string root_key_file;  // empty: <data_dir>/root.key (with --include-material)
  bool help = false;
};

// Prints the rotation compliance report of `repo` to stdout in options.format
// (text, JSON or Markdown). Returns the exit code: 0, or 3 (after a line on stderr) when the
// coverage is under --fail-under. Throws on a storage failure.
int RunReport(const ReportOptions& options, core::KeyRepository& repo);

// Writes `repo` as a seed file (docs/seed-files.md) to --output or stdout.
// `sealer` unseals key material for --include-material; null without it.
// Returns 0; throws std::runtime_error when the output cannot be written (or,
// with --include-material, already exists).
int RunExport(const ExportOptions& options, core::KeyRepository& repo,
              const core::KeySealer* sealer);

}  // namespace rotor::server::tools
