#include "server/config.h"

#include <cstdlib>
#include <functional>
#include <map>
#include <string_view>

namespace rotor::server {
namespace {

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
    throw ConfigError(flag + " must be a duration like 24h, 30m, 1d12h or 0, not '" + value + "'");
  return *d;
}

bool ParseBool(const std::string& flag, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes" || value.empty()) return true;
  if (value == "0" || value == "false" || value == "no") return false;
  throw ConfigError(flag + " must be true or false, not '" + value + "'");
}

struct Option {
  const char* flag;
  const char* env;
  bool takes_value;
  std::function<void(Config&, const std::string& name, const std::string& value)> apply;
};

const std::vector<Option>& Options() {
  static const std::vector<Option> kOptions = {
      {"--host", "ROTOR_HOST", true, [](Config& c, auto&, auto& v) { c.host = v; }},
      {"--port", "ROTOR_PORT", true,
       [](Config& c, auto& n, auto& v) {
         c.port = static_cast<uint16_t>(ParseInt(n, v, 0, 65535));
       }},
      {"--data-dir", "ROTOR_DATA_DIR", true, [](Config& c, auto&, auto& v) { c.data_dir = v; }},
      {"--in-memory", "ROTOR_IN_MEMORY", false,
       [](Config& c, auto& n, auto& v) { c.in_memory = ParseBool(n, v); }},
      {"--account-id", "ROTOR_ACCOUNT_ID", true,
       [](Config& c, auto& n, auto& v) {
         if (v.size() != 12 || v.find_first_not_of("0123456789") != std::string::npos) {
           throw ConfigError(n + " must be 12 digits, not '" + v + "'");
         }
         c.account_id = v;
       }},
      {"--region", "ROTOR_REGION", true,
       [](Config& c, auto& n, auto& v) {
         if (v.empty() ||
             v.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
           throw ConfigError(n + " must be a region name like us-east-1, not '" + v + "'");
         }
         c.region = v;
       }},
      {"--clock", "ROTOR_CLOCK", true,
       [](Config& c, auto& n, auto& v) {
         if (v != "system" && v != "virtual") throw ConfigError(n + " must be system or virtual");
         c.virtual_clock = v == "virtual";
       }},
      {"--clock-start", "ROTOR_CLOCK_START", true,
       [](Config& c, auto& n, auto& v) {
         c.clock_start = core::ParseIso8601(v);
         if (!c.clock_start)
           throw ConfigError(n + " must be an ISO-8601 time like 2026-01-01T00:00:00Z");
       }},
      {"--seed", "ROTOR_SEED", true,
       [](Config& c, auto& n, auto& v) {
         c.seed = static_cast<uint64_t>(ParseInt(n, v, 0, INT64_MAX));
       }},
      {"--rotation-jitter", "ROTOR_ROTATION_JITTER", true,
       [](Config& c, auto& n, auto& v) { c.rotation_jitter = ParseDurationFlag(n, v); }},
      {"--on-demand-rotation-delay", "ROTOR_ON_DEMAND_ROTATION_DELAY", true,
       [](Config& c, auto& n, auto& v) { c.on_demand_rotation_delay = ParseDurationFlag(n, v); }},
      {"--on-demand-rotation-limit", "ROTOR_ON_DEMAND_ROTATION_LIMIT", true,
       [](Config& c, auto& n, auto& v) {
         c.on_demand_rotation_limit = static_cast<int>(ParseInt(n, v, 0, 100000));
       }},
      {"--root-key-file", "ROTOR_ROOT_KEY_FILE", true,
       [](Config& c, auto&, auto& v) { c.root_key_file = v; }},
      {"--threads", "ROTOR_THREADS", true,
       [](Config& c, auto& n, auto& v) { c.threads = static_cast<int>(ParseInt(n, v, 0, 256)); }},
      {"--read-timeout", "ROTOR_READ_TIMEOUT", true,
       [](Config& c, auto& n, auto& v) {
         auto t = std::chrono::duration_cast<std::chrono::seconds>(ParseDurationFlag(n, v));
         if (t < std::chrono::seconds(1)) throw ConfigError(n + " must be at least 1s");
         c.read_timeout = t;
       }},
      {"--admin-token", "ROTOR_ADMIN_TOKEN", true,
       [](Config& c, auto&, auto& v) { c.admin_token = v; }},
      {"--audit-log", "ROTOR_AUDIT_LOG", true, [](Config& c, auto&, auto& v) { c.audit_log = v; }},
      {"--audit-max-events", "ROTOR_AUDIT_MAX_EVENTS", true,
       [](Config& c, auto& n, auto& v) { c.audit_max_events = ParseInt(n, v, 0, INT64_MAX); }},
      {"--seed-file", "ROTOR_SEED_FILE", true, [](Config& c, auto&, auto& v) { c.seed_file = v; }},
  };
  return kOptions;
}

}  // namespace

std::string DefaultDataDir(char** environ) {
  auto env = Environment(environ);
  if (!env["XDG_DATA_HOME"].empty()) return env["XDG_DATA_HOME"] + "/rotor";
  if (!env["HOME"].empty()) return env["HOME"] + "/.local/share/rotor";
  return ".rotor-data";
}

Config ParseConfig(const std::vector<std::string>& args, char** environ) {
  Config c;
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
    if (it == env.end()) continue;
    for (const Option& o : Options()) {
      if (std::string_view(o.flag) == flag) o.apply(c, var, it->second);
    }
  }
  for (const Option& o : Options()) {
    auto it = env.find(o.env);
    if (it != env.end()) o.apply(c, o.env, it->second);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "-h" || arg == "--help") {
      c.help = true;
      continue;
    }
    std::string value;
    bool inline_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    const Option* option = nullptr;
    for (const Option& o : Options()) {
      if (arg == o.flag) option = &o;
    }
    if (!option) throw ConfigError("unknown option " + arg + "\n\n" + UsageText());
    if (option->takes_value && !inline_value) {
      if (i + 1 >= args.size()) throw ConfigError(arg + " needs a value");
      value = args[++i];
    }
    option->apply(c, arg, option->takes_value || inline_value ? value : "1");
  }
  if (c.data_dir.empty() && !c.in_memory) c.data_dir = DefaultDataDir(environ);
  return c;
}

std::string UsageText() {
  return "usage: rotor [options]\n"
         "  --host H                      listen address (127.0.0.1)\n"
         "  --port N                      TCP port (4599; 0 picks one)\n"
         "  --data-dir D                  where keys live (~/.local/share/rotor)\n"
         "  --in-memory                   throwaway state, deleted at exit\n"
         "  --account-id A                default account (111122223333)\n"
         "  --region R                    default region (us-east-1)\n"
         "  --clock system|virtual        virtual: time moves only via POST /_rotor/clock\n"
         "  --clock-start T               start of the virtual clock (now)\n"
         "  --seed N                      rotation jitter seed (0)\n"
         "  --rotation-jitter D           jitter window (24h; 0 for exact dates)\n"
         "  --on-demand-rotation-delay D  time an on-demand rotation stays in progress (0)\n"
         "  --on-demand-rotation-limit N  on-demand rotations per key (25)\n"
         "  --root-key-file F             key that seals key material (<data-dir>/root.key)\n"
         "  --threads N                   I/O threads (one per core)\n"
         "  --read-timeout D              time a client has to send a whole request (30s)\n"
         "  --admin-token T               token for admin endpoints from non-loopback clients\n"
         "  --audit-log F                 also append every audit event to F as JSON lines\n"
         "  --audit-max-events N          audit events kept, oldest deleted first (100000; 0: "
         "off)\n"
         "  --seed-file F                 load keys and aliases from a YAML/JSON seed file at "
         "start\n"
         "Every option is also an environment variable: --data-dir is ROTOR_DATA_DIR, etc.\n"
         "local-kms's PORT, KMS_ACCOUNT_ID, KMS_REGION, KMS_SEED_PATH, KMS_DATA_PATH work too.\n"
         "\n"
         "usage: rotor report [--data-dir D] [--json] [--max-material-age-days N]\n"
         "                    [--expiry-warning-days N] [--at TIME] [--fail-under PCT]\n"
         "       rotor export [--data-dir D] [--format yaml|json] [--include-material] [--output "
         "F]\n"
         "See docs/cli.md.\n";
}

}  // namespace rotor::server
