#include "server/tools/tools.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>

#include "core/compliance_report.h"
#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "core/seed_export.h"
#include "server/config.h"
#include "server/seed/seed_file.h"
#include "server/tools/report_format.h"
#include "server/wire/json_text.h"
#include "storage/root_key_file.h"
#include "storage/sqlite_key_repository.h"

namespace rotor::server::tools {
namespace {

// --name value / --name=value / --flag; throws ConfigError for unknown ones.
std::map<std::string, std::string> ParseToolArgs(const std::vector<std::string>& args,
                                                 const std::vector<std::string>& with_value,
                                                 const std::vector<std::string>& flags) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i], value;
    bool inline_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    if (std::find(flags.begin(), flags.end(), arg) != flags.end()) {
      out[arg] = "1";
    } else if (std::find(with_value.begin(), with_value.end(), arg) != with_value.end()) {
      if (!inline_value) {
        if (i + 1 >= args.size()) throw ConfigError(arg + " needs a value");
        value = args[++i];
      }
      out[arg] = value;
    } else {
      throw ConfigError("unknown option " + arg + "\n\n" + UsageText());
    }
  }
  return out;
}

std::string DataDir(const std::map<std::string, std::string>& opts, char** environ) {
  if (auto it = opts.find("--data-dir"); it != opts.end()) return it->second;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    if (entry.rfind("ROTOR_DATA_DIR=", 0) == 0) return entry.substr(15);
  }
  return DefaultDataDir(environ);
}

int IntOption(const std::map<std::string, std::string>& opts, const std::string& name,
              int fallback) {
  auto it = opts.find(name);
  if (it == opts.end()) return fallback;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    throw ConfigError(name + " must be an integer");
  }
}

}  // namespace

int RunReportTool(const std::vector<std::string>& args, char** environ) {
  try {
    auto opts = ParseToolArgs(
        args,
        {"--data-dir", "--max-material-age-days", "--expiry-warning-days", "--at", "--fail-under"},
        {"--json"});
    core::ReportOptions options;
    options.now = core::SystemClock().Now();
    if (auto it = opts.find("--at"); it != opts.end()) {
      std::optional<core::Timestamp> at = core::ParseIso8601(it->second);
      if (!at) throw ConfigError("--at must be an ISO-8601 time like 2027-01-01T00:00:00Z");
      options.now = *at;
    }
    options.max_material_age_days = IntOption(opts, "--max-material-age-days", 365);
    options.expiry_warning_days = IntOption(opts, "--expiry-warning-days", 30);
    storage::SqliteOptions storage_options;
    storage_options.data_dir = DataDir(opts, environ);
    storage_options.read_only = true;
    storage::SqliteKeyRepository repo(storage_options);
    core::KeyInventory inventory(repo);
    core::ComplianceReport report = core::BuildComplianceReport(inventory, options);
    if (opts.count("--json")) {
      std::printf("%s\n", ReportJson(report).dump(2).c_str());
    } else {
      std::fputs(ReportText(report).c_str(), stdout);
    }
    if (auto it = opts.find("--fail-under"); it != opts.end()) {
      double threshold = 0;
      try {
        threshold = std::stod(it->second);
      } catch (const std::exception&) {
        throw ConfigError("--fail-under must be a percentage like 90");
      }
      if (report.coverage_pct < threshold) {
        std::fprintf(stderr, "rotor report: rotation coverage %.1f%% is under %.1f%%\n",
                     report.coverage_pct, threshold);
        return 3;
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rotor report: %s\n", e.what());
    return 2;
  }
}

int RunExportTool(const std::vector<std::string>& args, char** environ) {
  try {
    auto opts = ParseToolArgs(args, {"--data-dir", "--format", "--output", "--root-key-file"},
                              {"--include-material"});
    std::string format = opts.count("--format") ? opts["--format"] : "yaml";
    if (format != "yaml" && format != "json") throw ConfigError("--format must be yaml or json");
    std::string data_dir = DataDir(opts, environ);
    storage::SqliteOptions storage_options;
    storage_options.data_dir = data_dir;
    storage_options.read_only = true;
    storage::SqliteKeyRepository repo(storage_options);
    core::OpenSslRandom random;
    std::optional<core::KeySealer> sealer;
    if (opts.count("--include-material")) {
      // Plaintext key material leaves Rotor only when asked for explicitly.
      std::string root =
          opts.count("--root-key-file") ? opts["--root-key-file"] : data_dir + "/root.key";
      sealer.emplace(storage::LoadOrCreateRootKey(root, false, random), random);
    }
    core::KeyInventory inventory(repo);
    core::SeedDocument doc = core::ExportSeed(inventory, repo, sealer ? &*sealer : nullptr);
    std::string text = seed::WriteSeedText(doc, format == "yaml");
    if (auto it = opts.find("--output"); it != opts.end()) {
      std::ofstream out(it->second, std::ios::binary | std::ios::trunc);
      out << text;
      if (!out) throw ConfigError("cannot write " + it->second);
    } else {
      std::fputs(text.c_str(), stdout);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rotor export: %s\n", e.what());
    return 2;
  }
}

}  // namespace rotor::server::tools
