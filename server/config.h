// Config: the flags of rotor and of its tools (rotor report, rotor export),
// read by one parser. Every flag is also a ROTOR_* environment variable named
// after it (--data-dir is ROTOR_DATA_DIR, --fail-under is ROTOR_FAIL_UNDER); a
// flag wins over its variable. local-kms's PORT, KMS_ACCOUNT_ID, KMS_REGION,
// KMS_SEED_PATH and KMS_DATA_PATH stand for --port, --account-id, --region,
// --seed-file and --data-dir, under Rotor's own variables. docs/cli.md is the
// user's view.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "server/tools/clock_client.h"
#include "server/tools/faults_client.h"
#include "server/tools/tools.h"

namespace rotor::server {

// `rotor` / `rotor serve`.
struct Config {
  // --compat local-kms|moto (ROTOR_COMPAT): the peer's defaults under every
  // explicit setting (docs/migrating.md); empty: Rotor's own.
  std::string compat;
  std::string host = "127.0.0.1";
  uint16_t port = 4599;
  std::string data_dir;  // empty: the per-user default
  // Where data_dir came from, named in errors about the folder: "--data-dir",
  // "ROTOR_DATA_DIR", "KMS_DATA_PATH", "--compat local-kms's data dir" or
  // "the default data dir".
  std::string data_dir_source;
  bool in_memory = false;
  // --store sqlite|postgres (ROTOR_STORE): where keys live. SQLite: rotor.db
  // in the data dir. PostgreSQL: the database of --database-url
  // (ROTOR_DATABASE_URL), shared by every replica that names it; the data dir
  // then holds only the root key (docs/scaling.md).
  bool postgres_store = false;
  std::string database_url;
  std::string account_id = "111122223333";
  std::string region = "us-east-1";
  bool virtual_clock = false;
  std::optional<core::Timestamp> clock_start;
  uint64_t seed = 0;
  core::Millis rotation_jitter = core::Days(1);
  core::Millis on_demand_rotation_delay{0};
  int on_demand_rotation_limit = 25;
  // Grants per key (AWS's quota, 50,000); tests lower it to reach the limit.
  int grants_per_key_limit = 50000;
  std::string root_key_file;  // empty: <data_dir>/root.key
  int threads = 0;
  std::chrono::seconds read_timeout{30};  // a whole request must arrive within this
  std::string admin_token;
  // --dashboard-login auto|on|off: print a one-time dashboard link
  // (server/admin/dashboard_login.h); auto: when --host is not loopback.
  std::string dashboard_login = "auto";
  // Host names answered besides localhost, 127.0.0.1, [::1] and `host`
  // (--allowed-hosts a,b: a name, ".domain" for it and its subdomains, or "*").
  std::vector<std::string> allowed_hosts;
  std::string audit_log;              // JSON-lines file of audit events; empty: none
  int64_t audit_max_events = 100000;  // events kept in audit.db (newest); 0: no audit trail
  std::string seed_file;              // YAML or JSON seed loaded at start; empty: none
  // The seed file is --compat local-kms's default (/init/seed.yaml), loaded
  // only when it exists; a seed file named explicitly must exist.
  bool seed_file_optional = false;
  // --auth strict: every KMS request's SigV4 signature is verified
  // (docs/access-control.md); open (false) checks none, as before.
  bool strict_auth = false;
  // Access keys and their principals (YAML or JSON; server/credentials_file.h);
  // empty: strict mode knows the built-in test pairs only.
  std::string credentials_file;
  // --log-format text|json (ROTOR_LOG_FORMAT): stdout's lines (server/request_log.h).
  bool log_json = false;
  // --cors-origin O, repeatable (ROTOR_CORS_ORIGIN=O,O): browser origins the
  // KMS API answers, preflights included (server/http/cors.h); none by default.
  std::vector<std::string> cors_origins;
  bool cors_from_flag = false;  // a flag replaced the variable's list
  // --quiet (ROTOR_QUIET=1): no line per request; the start and stop lines stay.
  bool quiet = false;
  // --quotas aws: AWS KMS's request quotas (core/request_quotas.h, docs/quotas.md);
  // --quota NAME=RATE (repeatable) overrides one, in requests per second.
  bool quotas = false;
  std::map<std::string, double, std::less<>> quota_overrides;
  bool help = false;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Each parses argv (without argv[0] and the tool's name) over the
// environment `environ`. Throw ConfigError naming the flag or variable.
Config ParseConfig(const std::vector<std::string>& args, char** environ);
tools::ReportOptions ParseReportConfig(const std::vector<std::string>& args, char** environ);
tools::ExportOptions ParseExportConfig(const std::vector<std::string>& args, char** environ);
// `rotor clock [advance DURATION|next | set TIME]`: the words after the flags
// name the action; a malformed duration or time is a ConfigError here, before
// anything is sent.
tools::ClockOptions ParseClockConfig(const std::vector<std::string>& args, char** environ);
// `rotor faults add RULE-FLAGS | list | clear [ID]`: a rule's flags build its
// JSON (checked by the server); they go with add only and are not read from
// the environment.
tools::FaultsOptions ParseFaultsConfig(const std::vector<std::string>& args, char** environ);

// Sets the defaults of --compat `compat` ("local-kms", "moto"; anything else
// changes nothing) in `c`, before any flag or variable is read.
// `data_volume`: a /data directory exists (a container), local-kms's image's
// data path; else local-kms's native /tmp/local-kms. docs/migrating.md.
void ApplyCompatDefaults(Config& c, const std::string& compat, bool data_volume);

// $XDG_DATA_HOME/rotor, else ~/.local/share/rotor, else ./.rotor-data.
std::string DefaultDataDir(char** environ);
// The usage of `command` ("serve": rotor's own flags, "clock", "faults", "report",
// "export", "version", "help"); empty for any other.
std::string UsageText(std::string_view command);

}  // namespace rotor::server
