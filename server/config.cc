#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "core/request_quotas.h"
#include "server/wire/operation_table.h"

namespace rotor::server {
namespace {

// ---- The one flag parser, for rotor and its tools alike.

// One flag of a command, with what it does to the command's options `T`.
template <typename T>
struct Flag {
  const char* name;  // "--data-dir"; its environment variable is VariableOf(name)
  bool takes_value;  // false: a switch (--json), also written --json=false
  // `source` names where the value came from (the flag or the variable), for errors.
  std::function<void(T&, const std::string& source, const std::string& value)> apply;
};

// "--data-dir" -> "ROTOR_DATA_DIR".
std::string VariableOf(std::string_view flag) {
  std::string var = "ROTOR_";
  for (char c : flag.substr(2)) {
    var.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return var;
}

std::map<std::string, std::string> Environment(char** environ) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string_view::npos)
      env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  return env;
}

// Optimal string alignment distance between `a` and `b` (an edit is an
// insertion, deletion, substitution or swap of neighbours), for suggestions.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The error for an unknown flag `arg` of `command` ("rotor", "rotor clock"):
// the closest known flag when one is near, and one hint line.
template <typename T>
ConfigError UnknownFlag(const std::vector<Flag<T>>& flags, const std::string& command,
                        const std::string& arg) {
  std::string best;
  size_t best_distance = 3;  // at most two edits, or a prefix of the flag
  for (const Flag<T>& f : flags) {
    std::string_view name(f.name);
    size_t distance = name.starts_with(arg) && arg.size() > 3 ? 1 : EditDistance(arg, name);
    if (distance < best_distance) {
      best = f.name;
      best_distance = distance;
    }
  }
  return ConfigError("unknown flag " + arg + (best.empty() ? "" : " (did you mean " + best + "?)") +
                     "\nrun " + command + " --help for all flags");
}

// Applies, in increasing precedence: local-kms's variables, ROTOR_* variables,
// then the command line (--name value, --name=value, --switch; -h/--help sets
// `*help`). Arguments that are not flags go to `*positional`, or are an error
// when it is null. Throws ConfigError for an unknown flag (naming the nearest
// one, and `command`'s --help) or a bad value.
template <typename T>
void ParseFlags(const std::vector<Flag<T>>& flags, const std::string& command,
                const std::vector<std::string>& args, char** environ, T& out, bool* help,
                std::vector<std::string>* positional = nullptr) {
  auto find = [&flags](std::string_view name) -> const Flag<T>* {
    for (const Flag<T>& f : flags) {
      if (name == f.name) return &f;
    }
    return nullptr;
  };
  auto env = Environment(environ);
  // local-kms's variables, so a suite written for it runs unchanged; Rotor's
  // own variables and flags take precedence.
  const std::pair<const char*, const char*> kLocalKmsAliases[] = {
      {"PORT", "--port"},
      {"KMS_ACCOUNT_ID", "--account-id"},
      {"KMS_REGION", "--region"},
      {"KMS_SEED_PATH", "--seed-file"},
      {"KMS_DATA_PATH", "--data-dir"}};
  for (const auto& [var, flag] : kLocalKmsAliases) {
    auto it = env.find(var);
    const Flag<T>* f = find(flag);
    if (it != env.end() && f) f->apply(out, var, it->second);
  }
  for (const Flag<T>& f : flags) {
    std::string var = VariableOf(f.name);
    auto it = env.find(var);
    if (it != env.end()) f.apply(out, var, it->second);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "-h" || arg == "--help") {
      *help = true;
      continue;
    }
    if (arg.empty() || arg[0] != '-') {
      if (!positional) {
        throw ConfigError("unexpected argument '" + arg + "'\nrun " + command +
                          " --help for its usage");
      }
      positional->push_back(arg);
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    const Flag<T>* flag = find(arg);
    if (!flag) throw UnknownFlag(flags, command, arg);
    if (flag->takes_value && !inline_value) {
      if (i + 1 >= args.size()) throw ConfigError(arg + " needs a value");
      value = args[++i];
    }
    flag->apply(out, arg, flag->takes_value || inline_value ? value : "1");
  }
}

// ---- Value readers; each error names the flag or variable.

int64_t ParseInt(const std::string& flag, const std::string& value, int64_t min, int64_t max) {
  try {
    size_t used = 0;
    long long n = std::stoll(value, &used);
    if (used != value.size() || n < min || n > max) throw std::out_of_range("");
    return n;
  } catch (const std::exception&) {
    throw ConfigError(flag + " must be an integer from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", not '" + value + "'");
  }
}

core::Millis ParseDurationFlag(const std::string& flag, const std::string& value) {
  if (value == "0") return core::Millis(0);
  std::optional<core::Millis> d = core::ParseDuration(value);
  if (!d)
    throw ConfigError(flag + " must be a duration like 1y, 2w, 24h, 30m, 1d12h or 0, not '" +
                      value + "'");
  return *d;
}

bool ParseBool(const std::string& flag, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes" || value.empty()) return true;
  if (value == "0" || value == "false" || value == "no") return false;
  throw ConfigError(flag + " must be true or false, not '" + value + "'");
}

core::Timestamp ParseTime(const std::string& flag, const std::string& value) {
  std::optional<core::Timestamp> t = core::ParseIso8601(value);
  if (!t) throw ConfigError(flag + " must be an ISO-8601 time like 2027-01-01T00:00:00Z");
  return *t;
}

// The port as --port reads it, for the server and its clients alike.
uint16_t ParsePort(const std::string& flag, const std::string& value) {
  return static_cast<uint16_t>(ParseInt(flag, value, 0, 65535));
}

// Flags several commands share, written once.
template <typename T>
Flag<T> Text(const char* name, std::string T::*member) {
  return {name, true, [member](T& o, auto&, auto& v) { o.*member = v; }};
}
template <typename T>
Flag<T> Switch(const char* name, bool T::*member) {
  return {name, false, [member](T& o, auto& n, auto& v) { o.*member = ParseBool(n, v); }};
}
// --store sqlite|postgres (ROTOR_STORE), for the server and the tools that
// read its store (rotor report, rotor export): `T` has a bool postgres_store;
// --database-url goes with it (Text, T::database_url).
template <typename T>
Flag<T> StoreFlag() {
  return {"--store", true, [](T& o, auto& n, auto& v) {
            if (v != "sqlite" && v != "postgres")
              throw ConfigError(n + " must be sqlite or postgres");
            o.postgres_store = v == "postgres";
          }};
}
// The store flags' rules, the same for the server and its tools: a URL needs
// --store postgres and --store postgres needs a URL. Throws ConfigError.
void CheckStoreFlags(bool postgres_store, const std::string& database_url) {
  if (postgres_store && database_url.empty()) {
    throw ConfigError("--store postgres needs --database-url postgres://USER@HOST:PORT/DB");
  }
  if (!postgres_store && !database_url.empty()) {
    throw ConfigError("--database-url is for --store postgres");
  }
}
// A whole number from 0 to 100,000 (days, or a count).
template <typename T>
Flag<T> Count(const char* name, int T::*member) {
  return {name, true, [member](T& o, auto& n, auto& v) {
            o.*member = static_cast<int>(ParseInt(n, v, 0, 100000));
          }};
}

// --quota NAME=RATE[,NAME=RATE...]: a request quota's name (an operation's
// AWS name or a shared quota's, core/request_quotas.h) and a rate > 0 in
// requests per second. Repeated, the flag adds to the list.
void ParseQuotaOverrides(const std::string& flag, const std::string& value,
                         std::map<std::string, double, std::less<>>& out) {
  std::string_view list(value);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string item(list.substr(0, comma));
    size_t eq = item.find('=');
    std::string name = item.substr(0, eq);
    bool known = core::AwsQuotaRate(name, "us-east-1").has_value() ||
                 wire::FindOperation(name) != nullptr || name == core::kKeyQuotaName;
    double rate = 0;
    if (eq != std::string::npos) {
      const char* begin = item.c_str() + eq + 1;
      char* end = nullptr;
      rate = std::strtod(begin, &end);
      if (end == begin || *end != '\0') rate = 0;
    }
    if (!known || !(rate > 0)) {
      throw ConfigError(flag +
                        " is NAME=RATE: a KMS operation (CreateKey) or a shared quota "
                        "(CryptographicSymmetric, CryptographicRSA, CryptographicECC, "
                        "GenerateDataKeyPair:RSA_2048, ...) and requests per second above 0, "
                        "or KmsKeys=N (keys per account and Region), not '" +
                        item + "'");
    }
    out[name] = rate;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

const std::vector<Flag<Config>>& ServerFlags() {
  static const std::vector<Flag<Config>> kFlags = {
      Text("--host", &Config::host),
      {"--port", true, [](Config& c, auto& n, auto& v) { c.port = ParsePort(n, v); }},
      {"--data-dir", true,
       [](Config& c, auto& n, auto& v) {
         c.data_dir = v;
         c.data_dir_source = n;  // named in errors about the folder
       }},
      Switch("--in-memory", &Config::in_memory),
      StoreFlag<Config>(),
      Text("--database-url", &Config::database_url),
      {"--account-id", true,
       [](Config& c, auto& n, auto& v) {
         if (v.size() != 12 || v.find_first_not_of("0123456789") != std::string::npos) {
           throw ConfigError(n + " must be 12 digits, not '" + v + "'");
         }
         c.account_id = v;
       }},
      {"--region", true,
       [](Config& c, auto& n, auto& v) {
         if (v.empty() ||
             v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
           throw ConfigError(n + " must be a region name like us-east-1, not '" + v + "'");
         }
         c.region = v;
       }},
      {"--clock", true,
       [](Config& c, auto& n, auto& v) {
         if (v != "system" && v != "virtual") throw ConfigError(n + " must be system or virtual");
         c.virtual_clock = v == "virtual";
       }},
      {"--clock-start", true, [](Config& c, auto& n, auto& v) { c.clock_start = ParseTime(n, v); }},
      {"--seed", true,
       [](Config& c, auto& n, auto& v) {
         c.seed = static_cast<uint64_t>(ParseInt(n, v, 0, INT64_MAX));
       }},
      {"--rotation-jitter", true,
       [](Config& c, auto& n, auto& v) { c.rotation_jitter = ParseDurationFlag(n, v); }},
      {"--on-demand-rotation-delay", true,
       [](Config& c, auto& n, auto& v) { c.on_demand_rotation_delay = ParseDurationFlag(n, v); }},
      Count("--on-demand-rotation-limit", &Config::on_demand_rotation_limit),
      Count("--grants-per-key-limit", &Config::grants_per_key_limit),
      Text("--root-key-file", &Config::root_key_file),
      {"--threads", true,
       [](Config& c, auto& n, auto& v) { c.threads = static_cast<int>(ParseInt(n, v, 0, 256)); }},
      {"--read-timeout", true,
       [](Config& c, auto& n, auto& v) {
         auto t = std::chrono::duration_cast<std::chrono::seconds>(ParseDurationFlag(n, v));
         if (t < std::chrono::seconds(1)) throw ConfigError(n + " must be at least 1s");
         c.read_timeout = t;
       }},
      Text("--admin-token", &Config::admin_token),
      {"--dashboard-login", true,
       [](Config& c, auto& n, auto& v) {
         if (v != "auto" && v != "on" && v != "off")
           throw ConfigError(n + " must be auto, on or off");
         c.dashboard_login = v;
       }},
      {"--allowed-hosts", true,
       [](Config& c, auto& n, auto& v) {
         // A comma-separated list; given again (the flag over its variable), it replaces.
         c.allowed_hosts.clear();
         std::string_view list(v);
         while (!list.empty()) {
           size_t comma = list.find(',');
           std::string_view name = list.substr(0, comma);
           while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
           while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
           if (name.empty() || name.find_first_of(" /:@\\[]") != std::string_view::npos) {
             throw ConfigError(n +
                               " is a comma-separated list of host names (rotor, "
                               ".example.test or *), not '" +
                               v + "'");
           }
           c.allowed_hosts.emplace_back(name);
           if (comma == std::string_view::npos) break;
           list.remove_prefix(comma + 1);
         }
       }},
      Text("--audit-log", &Config::audit_log),
      {"--audit-max-events", true,
       [](Config& c, auto& n, auto& v) { c.audit_max_events = ParseInt(n, v, 0, INT64_MAX); }},
      {"--seed-file", true,
       [](Config& c, auto&, auto& v) {
         c.seed_file = v;
         c.seed_file_optional = false;
       }},
      {"--compat", true,
       [](Config& c, auto& n, auto& v) {
         // Its defaults were applied before any setting (ApplyCompatDefaults).
         if (v != "local-kms" && v != "moto" && v != "none")
           throw ConfigError(n + " must be local-kms, moto or none, not '" + v + "'");
         c.compat = v == "none" ? "" : v;
       }},
      {"--auth", true,
       [](Config& c, auto& n, auto& v) {
         if (v != "open" && v != "strict") throw ConfigError(n + " must be open or strict");
         c.strict_auth = v == "strict";
       }},
      Text("--credentials-file", &Config::credentials_file),
      {"--log-format", true,
       [](Config& c, auto& n, auto& v) {
         if (v != "text" && v != "json") throw ConfigError(n + " must be text or json");
         c.log_json = v == "json";
       }},
      Switch("--quiet", &Config::quiet),
      {"--cors-origin", true,
       [](Config& c, auto& n, auto& v) {
         // Repeatable: each flag adds one origin; the variable holds a
         // comma-separated list, which the first flag replaces.
         std::vector<std::string> origins;
         std::string_view list(v);
         while (true) {
           size_t comma = n.starts_with("--") ? std::string_view::npos : list.find(',');
           std::string_view origin = list.substr(0, comma);
           while (!origin.empty() && origin.front() == ' ') origin.remove_prefix(1);
           while (!origin.empty() && origin.back() == ' ') origin.remove_suffix(1);
           bool scheme = origin.starts_with("http://") || origin.starts_with("https://");
           if (!scheme ||
               origin.find_first_of("/ ", origin.find("//") + 2) != std::string_view::npos) {
             throw ConfigError(n +
                               " takes an origin like http://localhost:5173 (scheme, host, "
                               "port; no path), not '" +
                               std::string(origin) + "'");
           }
           origins.emplace_back(origin);
           if (comma == std::string_view::npos) break;
           list.remove_prefix(comma + 1);
         }
         if (n.starts_with("--") && !c.cors_from_flag) c.cors_origins.clear();
         if (n.starts_with("--")) c.cors_from_flag = true;
         if (!n.starts_with("--")) c.cors_origins.clear();
         c.cors_origins.insert(c.cors_origins.end(), origins.begin(), origins.end());
       }},
      {"--quotas", true,
       [](Config& c, auto& n, auto& v) {
         if (v != "off" && v != "aws") throw ConfigError(n + " must be off or aws");
         c.quotas = v == "aws";
       }},
      {"--quota", true,
       [](Config& c, auto& n, auto& v) { ParseQuotaOverrides(n, v, c.quota_overrides); }},
  };
  return kFlags;
}

const std::vector<Flag<tools::ReportOptions>>& ReportFlags() {
  using R = tools::ReportOptions;
  static const std::vector<Flag<R>> kFlags = {
      Text("--data-dir", &R::data_dir),
      StoreFlag<R>(),
      Text("--database-url", &R::database_url),
      {"--json", false,
       [](R& r, auto& n, auto& v) {
         if (ParseBool(n, v)) {
           r.format = tools::ReportFormat::kJson;
         } else if (r.format == tools::ReportFormat::kJson) {
           r.format = tools::ReportFormat::kText;
         }
       }},
      {"--format", true,
       [](R& r, auto& n, auto& v) {
         if (v == "text") {
           r.format = tools::ReportFormat::kText;
         } else if (v == "json") {
           r.format = tools::ReportFormat::kJson;
         } else if (v == "markdown") {
           r.format = tools::ReportFormat::kMarkdown;
         } else {
           throw ConfigError(n + " must be text, json or markdown");
         }
       }},
      Count("--max-material-age-days", &R::max_material_age_days),
      Count("--expiry-warning-days", &R::expiry_warning_days),
      {"--at", true, [](R& r, auto& n, auto& v) { r.at = ParseTime(n, v); }},
      {"--fail-under", true,
       [](R& r, auto& n, auto& v) {
         try {
           size_t used = 0;
           r.fail_under = std::stod(v, &used);
           if (used != v.size()) throw std::invalid_argument("");
         } catch (const std::exception&) {
           throw ConfigError(n + " must be a percentage like 90");
         }
       }},
  };
  return kFlags;
}

const std::vector<Flag<tools::ExportOptions>>& ExportFlags() {
  using E = tools::ExportOptions;
  static const std::vector<Flag<E>> kFlags = {
      Text("--data-dir", &E::data_dir),
      StoreFlag<E>(),
      Text("--database-url", &E::database_url),
      {"--format", true,
       [](E& e, auto& n, auto& v) {
         if (v != "yaml" && v != "json") throw ConfigError(n + " must be yaml or json");
         e.yaml = v == "yaml";
       }},
      Switch("--include-material", &E::include_material),
      Text("--output", &E::output),
      Text("--root-key-file", &E::root_key_file),
  };
  return kFlags;
}

// Where the server is, for every client of its admin API (`rotor clock`,
// `rotor faults`): options deriving from tools::AdminClientOptions.
template <typename T>
std::vector<Flag<T>> AdminClientFlags() {
  return {
      {"--endpoint", true,
       [](T& c, auto& n, auto& v) {
         if (!v.starts_with("http://")) {
           throw ConfigError(n + " must be an http:// URL like http://127.0.0.1:4599, not '" + v +
                             "'");
         }
         c.endpoint = v;
       }},
      {"--host", true, [](T& c, auto&, auto& v) { c.host = v; }},
      {"--port", true, [](T& c, auto& n, auto& v) { c.port = ParsePort(n, v); }},
      {"--admin-token", true, [](T& c, auto&, auto& v) { c.admin_token = v; }},
      {"--json", false, [](T& c, auto& n, auto& v) { c.json = ParseBool(n, v); }},
      // The server's --compat, so the client finds a server on the peer's port.
      {"--compat", true,
       [](T&, auto& n, auto& v) {
         if (v != "local-kms" && v != "moto" && v != "none")
           throw ConfigError(n + " must be local-kms, moto or none, not '" + v + "'");
       }},
  };
}

const std::vector<Flag<tools::ClockOptions>>& ClockFlags() {
  static const std::vector<Flag<tools::ClockOptions>> kFlags =
      AdminClientFlags<tools::ClockOptions>();
  return kFlags;
}

// `rotor faults add`'s rule flags, each setting one member of the rule's JSON
// (docs/faults.md), then the connection's flags.
const std::vector<Flag<tools::FaultsOptions>>& FaultsFlags() {
  using F = tools::FaultsOptions;
  auto member = [](const char* flag, const char* part, const char* name) -> Flag<F> {
    return {flag, true, [part, name](F& f, auto&, auto& v) { f.rule[part][name] = v; }};
  };
  static const std::vector<Flag<F>> kFlags = [&] {
    std::vector<Flag<F>> flags = {
        {"--operations", true,
         [](F& f, auto&, auto& v) {
           for (size_t start = 0; start <= v.size();) {
             size_t comma = std::min(v.find(',', start), v.size());
             if (comma > start)
               f.rule["match"]["operations"].push_back(v.substr(start, comma - start));
             start = comma + 1;
           }
         }},
        member("--key-id", "match", "keyId"),
        member("--account", "match", "account"),
        member("--region", "match", "region"),
        member("--principal", "match", "principal"),
        member("--error", "action", "error"),
        member("--message", "action", "message"),
        member("--delay", "action", "delay"),
        {"--drop", false,
         [](F& f, auto& n, auto& v) { f.rule["action"]["drop"] = ParseBool(n, v); }},
        member("--probability", "frequency", "probability"),
        member("--seed", "frequency", "seed"),
        member("--next", "frequency", "next"),
        member("--from", "frequency", "from"),
        member("--until", "frequency", "until"),
    };
    for (Flag<F>& f : AdminClientFlags<F>()) flags.push_back(std::move(f));
    return flags;
  }();
  return kFlags;
}

}  // namespace

std::string DefaultDataDir(char** environ) {
  auto env = Environment(environ);
  if (!env["XDG_DATA_HOME"].empty()) return env["XDG_DATA_HOME"] + "/rotor";
  if (!env["HOME"].empty()) return env["HOME"] + "/.local/share/rotor";
  return ".rotor-data";
}

namespace {

// The --compat value of `args` (its last occurrence), else ROTOR_COMPAT's;
// empty when neither says.
std::string CompatOf(const std::vector<std::string>& args, char** environ) {
  std::string compat;
  auto env = Environment(environ);
  if (auto it = env.find("ROTOR_COMPAT"); it != env.end()) compat = it->second;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--compat" && i + 1 < args.size()) compat = args[i + 1];
    if (args[i].rfind("--compat=", 0) == 0) compat = args[i].substr(9);
  }
  return compat;
}

}  // namespace

void ApplyCompatDefaults(Config& c, const std::string& compat, bool data_volume) {
  if (compat == "local-kms") {
    // local-kms's README: PORT 8080, KMS_ACCOUNT_ID 111122223333, KMS_REGION
    // eu-west-2, KMS_SEED_PATH /init/seed.yaml, KMS_DATA_PATH /data in its
    // image and /tmp/local-kms natively.
    c.port = 8080;
    c.account_id = "111122223333";
    c.region = "eu-west-2";
    c.seed_file = "/init/seed.yaml";
    c.seed_file_optional = true;
    c.data_dir = data_volume ? "/data" : "/tmp/local-kms";
  } else if (compat == "moto") {
    // moto_server: port 5000, account 123456789012, us-east-1, state in memory.
    c.port = 5000;
    c.account_id = "123456789012";
    c.region = "us-east-1";
    c.in_memory = true;
  }
}

Config ParseConfig(const std::vector<std::string>& args, char** environ) {
  Config c;
  const std::string compat = CompatOf(args, environ);
  ApplyCompatDefaults(c, compat, std::filesystem::is_directory("/data"));
  if (!c.data_dir.empty()) c.data_dir_source = "--compat " + compat + "'s data dir";
  const bool compat_in_memory = c.in_memory;
  c.in_memory = false;
  ParseFlags(ServerFlags(), "rotor", args, environ, c, &c.help);
  // moto keeps its state in memory: so does --compat moto, unless a data dir is named.
  if (compat_in_memory && c.data_dir.empty()) c.in_memory = true;
  if (c.data_dir.empty() && !c.in_memory) c.data_dir = DefaultDataDir(environ);
  if (c.data_dir_source.empty()) c.data_dir_source = "the default data dir";
  CheckStoreFlags(c.postgres_store, c.database_url);
  if (c.postgres_store && c.in_memory) {
    throw ConfigError("--in-memory keeps keys in this process; it cannot be --store postgres");
  }
  if (!c.quota_overrides.empty() && !c.quotas) {
    throw ConfigError("--quota needs --quotas aws (request quotas are off by default)");
  }
  return c;
}

tools::ReportOptions ParseReportConfig(const std::vector<std::string>& args, char** environ) {
  tools::ReportOptions r;
  ParseFlags(ReportFlags(), "rotor report", args, environ, r, &r.help);
  CheckStoreFlags(r.postgres_store, r.database_url);
  if (r.data_dir.empty()) r.data_dir = DefaultDataDir(environ);
  return r;
}

tools::ExportOptions ParseExportConfig(const std::vector<std::string>& args, char** environ) {
  tools::ExportOptions e;
  ParseFlags(ExportFlags(), "rotor export", args, environ, e, &e.help);
  CheckStoreFlags(e.postgres_store, e.database_url);
  if (e.data_dir.empty()) e.data_dir = DefaultDataDir(environ);
  return e;
}

namespace {

// Parses the flags of an admin API client `command` ("rotor clock") into
// `out`, its port first the one of --compat's peer; returns the words after
// the flags.
template <typename T>
std::vector<std::string> ParseAdminClientFlags(const std::vector<Flag<T>>& flags,
                                               const std::string& command,
                                               const std::vector<std::string>& args, char** environ,
                                               T& out) {
  Config compat;
  ApplyCompatDefaults(compat, CompatOf(args, environ), false);
  out.port = compat.port;
  std::vector<std::string> words;
  ParseFlags(flags, command, args, environ, out, &out.help, &words);
  return words;
}

}  // namespace

tools::ClockOptions ParseClockConfig(const std::vector<std::string>& args, char** environ) {
  tools::ClockOptions c;
  std::vector<std::string> words =
      ParseAdminClientFlags(ClockFlags(), "rotor clock", args, environ, c);
  if (c.help) return c;
  auto usage = [](const std::string& why) {
    return ConfigError(why + "\nrun rotor clock --help for its usage");
  };
  if (words.empty()) return c;
  c.action = words[0];
  if (c.action != "advance" && c.action != "set")
    throw usage("unknown clock action '" + c.action + "' (advance or set)");
  if (words.size() != 2) {
    throw usage(c.action == "advance" ? "advance needs one duration (366d, 1y, 2w, 12h) or next"
                                      : "set needs one ISO-8601 time like 2027-01-01T00:00:00Z");
  }
  c.value = words[1];
  // Checked here too, so a typo is told before anything is sent.
  if (c.action == "advance" && c.value != "next" && !core::ParseDuration(c.value)) {
    throw usage("advance takes a duration like 366d, 1y, 2w, 12h or 1d12h, or next; not '" +
                c.value + "'");
  }
  if (c.action == "set") ParseTime("set", c.value);
  return c;
}

tools::FaultsOptions ParseFaultsConfig(const std::vector<std::string>& args, char** environ) {
  tools::FaultsOptions f;
  // Only the connection's variables: a rule's flags are not read from the
  // environment (ROTOR_REGION and ROTOR_SEED are the server's).
  std::vector<std::string> kept;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    for (const auto& flag : AdminClientFlags<tools::FaultsOptions>()) {
      if (entry.starts_with(VariableOf(flag.name) + "=")) kept.emplace_back(entry);
    }
    if (entry.starts_with("PORT=")) kept.emplace_back(entry);
  }
  std::vector<char*> env;
  for (std::string& e : kept) env.push_back(e.data());
  env.push_back(nullptr);
  std::vector<std::string> words =
      ParseAdminClientFlags(FaultsFlags(), "rotor faults", args, env.data(), f);
  if (f.help) return f;
  auto usage = [](const std::string& why) {
    return ConfigError(why + "\nrun rotor faults --help for its usage");
  };
  f.action = words.empty() ? "list" : words[0];
  if (f.action != "add" && f.action != "list" && f.action != "clear")
    throw usage("unknown faults action '" + f.action + "' (add, list or clear)");
  if (f.action == "clear" && words.size() == 2) f.id = words[1];
  if (words.size() > (f.action == "clear" ? 2u : 1u))
    throw usage("unexpected argument '" + words.back() + "'");
  if (f.action != "add" && !f.rule.empty())
    throw usage("a rule's flags (--error, --operations, ...) go with add only");
  if (f.action == "add" && !f.rule.contains("action"))
    throw usage("add needs what the rule does: --error NAME, --delay D or --drop");
  return f;
}

namespace {

// The flags of every admin API client (AdminClientFlags), in its usage.
constexpr std::string_view kAdminClientUsage =
    "  --endpoint URL                the server (http://127.0.0.1:4599; ROTOR_ENDPOINT)\n"
    "  --host H                      its host, when --endpoint is not given (127.0.0.1)\n"
    "  --port N                      its port, when --endpoint is not given (4599)\n"
    "  --compat local-kms|moto       the peer's port (8080, 5000), as the server's flag\n"
    "  --admin-token T               the server's --admin-token (non-loopback servers)\n"
    "  --json                        print the admin API's JSON answer as it is\n";

}  // namespace

std::string UsageText(std::string_view command) {
  if (command == "serve") {
    return "usage: rotor [serve] [flags]   (serve is the default command)\n"
           "  --host H                      listen address or name (127.0.0.1; ::1, localhost)\n"
           "  --port N                      TCP port (4599; 0 picks one)\n"
           "  --data-dir D                  where keys live (~/.local/share/rotor)\n"
           "  --in-memory                   throwaway state, deleted at exit\n"
           "  --store sqlite|postgres       where keys live (sqlite, in the data dir)\n"
           "  --database-url URL            postgres://USER@HOST:PORT/DB for --store postgres\n"
           "  --account-id A                default account (111122223333)\n"
           "  --region R                    default region (us-east-1)\n"
           "  --clock system|virtual        virtual: time moves only via rotor clock advance\n"
           "  --clock-start T               start of the virtual clock (now)\n"
           "  --seed N                      rotation jitter seed (0)\n"
           "  --rotation-jitter D           jitter window (24h; 0 for exact dates)\n"
           "  --on-demand-rotation-delay D  time an on-demand rotation stays in progress (0)\n"
           "  --on-demand-rotation-limit N  on-demand rotations per key (25)\n"
           "  --grants-per-key-limit N      grants per key (50000; lower it in tests)\n"
           "  --root-key-file F             key that seals key material (<data-dir>/root.key)\n"
           "  --threads N                   I/O threads (one per core)\n"
           "  --read-timeout D              time a client has to send a whole request (30s)\n"
           "  --admin-token T               token for admin endpoints from non-loopback clients\n"
           "  --dashboard-login auto|on|off a one-time dashboard link in the start line (auto:\n"
           "                                when --host is not loopback, as in a container)\n"
           "  --allowed-hosts H,H           Host names answered besides localhost, 127.0.0.1,\n"
           "                                [::1] and --host (a compose service name; .domain;\n"
           "                                * for any, which turns off the DNS rebinding check)\n"
           "  --audit-log F                 also append every audit event to F as JSON lines\n"
           "  --audit-max-events N          audit events kept, oldest deleted first (100000; 0: "
           "off)\n"
           "  --seed-file F                 load keys and aliases from a YAML/JSON seed file at "
           "start\n"
           "  --auth open|strict            strict: verify every request's SigV4 signature (open)\n"
           "  --credentials-file F          access keys and principals for strict mode "
           "(YAML/JSON)\n"
           "  --compat local-kms|moto       the peer's defaults (port, account, region, data, "
           "seed)\n"
           "  --log-format text|json        stdout's lines: one per request, start and stop "
           "(text)\n"
           "  --cors-origin O               answer the KMS API to browser pages of origin O\n"
           "                                (repeatable; http://localhost:5173); none by default\n"
           "  --quiet                       no line per request (the start and stop lines stay)\n"
           "  --quotas off|aws              aws: AWS KMS's request quotas, ThrottlingException "
           "over them (off)\n"
           "  --quota NAME=RATE             one quota's rate per second (CreateKey=2), "
           "repeatable\n"
           "  --version                     print the version and commit, and exit\n"
           "Durations: 1y (365 days), 2w, 400d, 12h, 30m, 45s, 1500ms, or combined (1d12h).\n"
           "Every flag is also an environment variable: --data-dir is ROTOR_DATA_DIR, etc.\n"
           "local-kms's PORT, KMS_ACCOUNT_ID, KMS_REGION, KMS_SEED_PATH, KMS_DATA_PATH work too.\n";
  }
  if (command == "clock") {
    return "usage: rotor clock [flags]                 print the server's time and its next event\n"
           "       rotor clock advance DURATION|next  move a virtual clock (366d, 1y, 2w, 12h) or\n"
           "                                          to the next rotation, expiry or deletion\n"
           "       rotor clock set TIME               move a virtual clock to an ISO-8601 time\n"
           "A move fires every rotation and deletion that falls due on the way and lists them.\n" +
           std::string(kAdminClientUsage) +
           "Each flag is also a variable (ROTOR_PORT, ...), as the server's are.\n";
  }
  if (command == "faults") {
    return "usage: rotor faults add RULE-FLAGS [flags]  add an injected fault rule "
           "(docs/faults.md)\n"
           "       rotor faults [list] [flags]          the rules, how often each matched and "
           "fired\n"
           "       rotor faults clear [ID] [flags]      remove one rule (fault-1) or every rule\n"
           "Which requests a rule matches (each optional; none: every KMS request):\n"
           "  --operations OP,OP            AWS operation names (Encrypt,Decrypt)\n"
           "  --key-id K                    a key id, key ARN, alias name or alias ARN\n"
           "  --account A                   the request's account\n"
           "  --region R                    the request's Region\n"
           "  --principal P                 the caller's ARN (--auth strict) or access key id\n"
           "What it does (exactly one):\n"
           "  --error NAME [--message M]    an error of the KMS model, or ThrottlingException,\n"
           "                                with AWS's status (and message, where AWS has one)\n"
           "  --delay D                     hold the request, then run it (250ms, 2s; at most "
           "10m)\n"
           "  --drop                        close the connection without an answer\n"
           "How often (at most one; none: every matching request):\n"
           "  --probability P [--seed N]    each match with probability P (0 to 1), seeded\n"
           "  --next N                      the next N matching requests\n"
           "  --from T --until T            matches whose clock reading is in [from, until)\n"
           "Where the server is:\n" +
           std::string(kAdminClientUsage) +
           "The server's flags are also variables (ROTOR_PORT, ...); a rule's are not.\n";
  }
  if (command == "report") {
    return "usage: rotor report [--data-dir D] [--format text|json|markdown] [--json]\n"
           "                    [--max-material-age-days N] [--expiry-warning-days N]\n"
           "                    [--at TIME] [--fail-under PCT]\n"
           "                    [--store sqlite|postgres] [--database-url URL]\n"
           "The rotation compliance report of a data dir, or with --store postgres of the\n"
           "database of --database-url (read-only: works while servers run on it; the\n"
           "server's flags). --format markdown is for CI job summaries (GitHub Actions:\n"
           ">> \"$GITHUB_STEP_SUMMARY\"); --json is --format json. Exit code 3 when the\n"
           "coverage is under --fail-under. Each flag is also a variable (--fail-under is\n"
           "ROTOR_FAIL_UNDER).\n";
  }
  if (command == "export") {
    return "usage: rotor export [--data-dir D] [--format yaml|json] [--include-material]\n"
           "                    [--output F] [--root-key-file F]\n"
           "                    [--store sqlite|postgres] [--database-url URL]\n"
           "Writes a data dir's keys and aliases as a seed file (docs/seed-files.md); with\n"
           "--store postgres those of the database of --database-url (read-only; the data\n"
           "dir or --root-key-file then gives only the root key). Each flag is also a\n"
           "variable (--output is ROTOR_OUTPUT, --database-url ROTOR_DATABASE_URL).\n";
  }
  if (command == "version") {
    return "usage: rotor version   (or rotor --version)\n"
           "Prints the version and the git commit it was built from.\n";
  }
  if (command == "help") {
    return "usage: rotor help [command]\n"
           "Prints the commands, or one command's usage (as rotor <command> --help).\n";
  }
  return "";
}

}  // namespace rotor::server
