// rotor: the composition root. Wires the clock, storage, service, the KMS and
// admin APIs and the HTTP server together, and runs the tools. The only file
// of server/ that sees storage/.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/advance_time.h"
#include "core/background_worker.h"
#include "core/clock_resume.h"
#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "core/kms_service.h"
#include "core/root_key_check.h"
#include "server/admin/admin_endpoints.h"
#include "server/audit/audit_trail.h"
#include "server/config.h"
#include "server/front_dispatcher.h"
#include "server/http/http_server.h"
#include "server/metrics.h"
#include "server/request_log.h"
#include "server/seed/credentials_file.h"
#include "server/seed/seed_file.h"
#include "server/tools/tools.h"
#include "server/wire/router.h"
#include "storage/data_dir.h"
#include "storage/memory_audit_store.h"
#ifdef ROTOR_WITH_POSTGRES
#include "storage/postgres_audit_store.h"
#include "storage/postgres_key_repository.h"
#endif
#include "storage/root_key_file.h"
#include "storage/sqlite_audit_store.h"
#include "storage/sqlite_key_repository.h"

extern char** environ;

namespace {

using namespace rotor;

// Many idle keep-alive clients need many descriptors: use the hard limit.
void RaiseDescriptorLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// --in-memory: a private directory on tmpfs, removed at exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string pattern = base + "/rotor-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw std::runtime_error("cannot create a scratch dir in " + base);
    path_ = buf.data();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The PostgreSQL store of --database-url `url`; `read_only` (rotor report,
// rotor export): the schema is checked, never created or migrated, and
// writes are refused. `name` receives the database's name for people. Throws
// with a message for people (also when this build has no PostgreSQL store).
std::unique_ptr<core::KeyRepository> OpenPostgres(const std::string& url, bool read_only,
                                                  std::string& name) {
#ifdef ROTOR_WITH_POSTGRES
  storage::PostgresOptions options;
  options.url = url;
  options.read_only = read_only;
  auto pg = std::make_unique<storage::PostgresKeyRepository>(options);
  name = pg->name();
  return pg;
#else
  (void)url;
  (void)read_only;
  (void)name;
  throw std::runtime_error(
      "this rotor was built without the PostgreSQL store (a static build links only glibc); "
      "use a build with libpq (cmake -DROTOR_POSTGRES=ON) for --store postgres");
#endif
}

// The store a tool reads, read-only so it works while servers run on it: the
// data dir's rotor.db, or with --store postgres the database of
// --database-url. `name` receives its name for people (the file, the database).
std::unique_ptr<core::KeyRepository> OpenToolStore(const std::string& data_dir, bool postgres,
                                                   const std::string& database_url,
                                                   std::string& name) {
  if (postgres) return OpenPostgres(database_url, /*read_only=*/true, name);
  storage::SqliteOptions options;
  options.data_dir = data_dir;
  options.read_only = true;
  auto sqlite = std::make_unique<storage::SqliteKeyRepository>(options);
  name = sqlite->db_path();
  return sqlite;
}

// The root key of `repo`: read from its file, or created in the data dir
// together with a new store (never for a store that holds keys), then
// compared with the check value the store records. Throws with a message for
// people when it is missing or is not the store's. Only core's storage port
// is used: `store` names the store in messages (the SQLite file's path).
// The root key file: --root-key-file, or root.key in the data dir.
std::string RootKeyPath(const std::string& root_key_file, const std::string& data_dir) {
  return root_key_file.empty() ? data_dir + "/root.key" : root_key_file;
}

core::SecretBytes OpenRootKey(const server::Config& config, const std::string& data_dir,
                              core::KeyRepository& repo, const std::string& store,
                              core::RandomSource& random) {
  bool default_path = config.root_key_file.empty();
  std::string path = RootKeyPath(config.root_key_file, data_dir);
  bool expected = core::StoreExpectsRootKey(repo);
  std::error_code ec;
  if (expected && !std::filesystem::exists(path, ec) && !ec) {
    throw std::runtime_error(
        path + " is missing, and " + store +
        " holds key material sealed under it: restore it from your backup. (Rotor creates a root "
        "key only together with a new database.)");
  }
  core::SecretBytes key = storage::LoadOrCreateRootKey(path, default_path && !expected, random);
  core::KeySealer sealer(key, random);
  if (core::CheckRootKey(repo, sealer) == core::RootKeyVerdict::kDiffers) {
    throw std::runtime_error(path + " does not match " + store +
                             ": restore it from your backup. (The key material in " + store +
                             " is sealed under another root key.)");
  }
  return key;
}

// Strict mode's verifier: the credentials file's access keys, else the
// built-in test pairs; null in open mode. A credentials file is read (and
// refused when invalid) in both modes, so a mistake shows at once.
std::shared_ptr<const server::wire::SigV4Verifier> MakeVerifier(const server::Config& config) {
  std::vector<server::wire::AccessKey> keys;
  if (!config.credentials_file.empty()) {
    keys = server::seed::ReadCredentialsFile(config.credentials_file);
  }
  if (!config.strict_auth) return nullptr;
  if (config.credentials_file.empty()) keys = server::wire::BuiltInAccessKeys(config.account_id);
  return std::make_shared<const server::wire::SigV4Verifier>(std::move(keys));
}

int Serve(const server::Config& config) {
  RaiseDescriptorLimit();
  // First: it outlives everything that may hold one of its principals.
  std::shared_ptr<const server::wire::SigV4Verifier> verifier = MakeVerifier(config);
  std::unique_ptr<ScratchDir> scratch;
  std::string data_dir = config.data_dir;
  if (config.in_memory) {
    scratch = std::make_unique<ScratchDir>();
    data_dir = scratch->path();
  }

  // The folder checked first, so an error names where it came from (--data-dir, a variable).
  // With --store postgres it holds the root key only.
  if (!config.in_memory) storage::PrepareDataDir(data_dir, config.data_dir_source);
  std::unique_ptr<core::KeyRepository> store;
  std::string store_name;  // for people: the SQLite file or the PostgreSQL database
  if (config.postgres_store) {
    store = OpenPostgres(config.database_url, /*read_only=*/false, store_name);
  } else {
    storage::SqliteOptions store_options;
    store_options.data_dir = data_dir;  // created 0700, or checked (storage/data_dir.h)
    store_options.durable = !config.in_memory;
    store_options.on_failure = [](const core::StoreHealth& health) {
      // The data dir is gone: stop as on SIGTERM (in-flight requests finish).
      if (health.status == core::StoreHealth::Status::kLost) ::kill(::getpid(), SIGTERM);
    };
    auto sqlite = std::make_unique<storage::SqliteKeyRepository>(store_options);
    if (sqlite->start_check_cut_short()) {
      std::fprintf(stderr,
                   "rotor: quick_check of %s stopped after %lld s; the rest of the database is "
                   "checked as it is read\n",
                   sqlite->db_path().c_str(),
                   static_cast<long long>(store_options.check_budget.count() / 1000));
    }
    store_name = sqlite->db_path();
    store = std::move(sqlite);
  }
  core::KeyRepository& repo = *store;

  core::OpenSslRandom random;
  core::KeySealer sealer(OpenRootKey(config, data_dir, repo, store_name, random), random);

  // A virtual clock resumes the time stored with the data; a system clock
  // says so when the data's virtual clock had moved past it.
  core::SystemClock system_clock;
  core::ClockResume resume =
      core::ResumeClock(repo, config.virtual_clock, config.clock_start, system_clock.Now());
  std::unique_ptr<core::VirtualClock> virtual_clock;
  const core::Clock* clock = &system_clock;
  std::string clock_text = "system";
  std::string clock_warning;
  if (config.virtual_clock) {
    virtual_clock = std::make_unique<core::VirtualClock>(resume.start);
    core::KeepClockInStore(*virtual_clock, repo);
    clock = virtual_clock.get();
    clock_text = "virtual";
    if (resume.resumed) clock_text += ", resumed at " + core::FormatIso8601(*resume.resumed);
    if (resume.ignored_clock_start) {
      std::fprintf(stderr,
                   "rotor: --clock-start %s is before this data's virtual time; the clock resumes "
                   "at %s (time never moves backwards)\n",
                   core::FormatIso8601(*resume.ignored_clock_start).c_str(),
                   core::FormatIso8601(resume.start).c_str());
    }
  } else if (resume.data_ahead) {
    clock_warning = "this data's virtual clock reached " + core::FormatIso8601(*resume.data_ahead) +
                    ", ahead of the system clock: key material and schedules may be dated in the "
                    "future. Start with --clock virtual to resume that time.";
    clock_text += "; " + clock_warning;
  }

  core::ServiceConfig service_config;
  service_config.on_demand_rotation_limit = config.on_demand_rotation_limit;
  service_config.grants_per_key_limit = static_cast<size_t>(config.grants_per_key_limit);
  service_config.on_demand_rotation_delay = config.on_demand_rotation_delay;
  if (config.quotas) {  // --quotas aws: the resource quota of keys too (docs/quotas.md)
    auto keys = config.quota_overrides.find(core::kKeyQuotaName);
    service_config.keys_per_region_limit = keys == config.quota_overrides.end()
                                               ? core::kAwsKeysPerRegion
                                               : static_cast<size_t>(keys->second);
  }
  service_config.jitter = core::JitterModel(config.seed, config.rotation_jitter);
  core::KmsService service(repo, sealer, random, service_config);

  // Every API call and service event, CloudTrail-shaped, off the request path.
  // --audit-max-events 0 turns it off (no audit.db writes at all).
  // --in-memory keeps its events in memory (nothing of the run survives it
  // anyway): without --audit-log, as the snapshots the calls left (records
  // are built when a query asks for them); with it, as the records the
  // writer thread also appends to the file. A data dir keeps them in audit.db.
  std::unique_ptr<core::AuditStore> audit_store;
  std::unique_ptr<server::audit::AuditTrail> audit;
  if (config.audit_max_events > 0) {
    server::audit::AuditTrail::AliasResolver resolve_alias = [&repo](const core::Scope& scope,
                                                                     const std::string& alias) {
      std::optional<core::Alias> a = repo.GetAlias(scope, alias);
      return a ? a->target_key_id : std::string();
    };
    if (config.in_memory && config.audit_log.empty()) {
      audit = std::make_unique<server::audit::AuditTrail>(
          static_cast<size_t>(config.audit_max_events), std::move(resolve_alias));
    } else {
      if (config.in_memory) {
        audit_store = std::make_unique<storage::MemoryAuditStore>(config.audit_max_events);
#ifdef ROTOR_WITH_POSTGRES
      } else if (config.postgres_store) {
        audit_store = std::make_unique<storage::PostgresAuditStore>(config.database_url,
                                                                    config.audit_max_events);
#endif
      } else {
        audit_store = std::make_unique<storage::SqliteAuditStore>(data_dir, /*durable=*/true,
                                                                  config.audit_max_events);
      }
      audit = std::make_unique<server::audit::AuditTrail>(*audit_store, config.audit_log,
                                                          std::move(resolve_alias));
    }
  }
  // Service events go to the audit trail and the metrics (GET /_rotor/metrics).
  server::Metrics metrics;
  core::ServiceEventListeners listeners;
  listeners.Add(audit.get());
  listeners.Add(&metrics);
  service.SetEventListener(&listeners);

  // On a shared store one replica at a time fires due events (the others
  // take over within a tick of its death); every replica flushes its usage.
  core::BackgroundWorker worker(service, *clock, std::chrono::seconds(1),
                                [&repo] { return repo.HoldsWorkerLease(); });
  service.SetDueNowNotifier([&worker] { worker.Wake(); });

  server::admin::AdminOptions admin_options;
  admin_options.admin_token = config.admin_token;
  admin_options.version = ROTOR_VERSION;
  admin_options.default_scope = {config.account_id, config.region};
  admin_options.store_health = [&repo] { return repo.Health(); };
  admin_options.store = config.postgres_store ? "postgres" : "sqlite";
  if (!clock_warning.empty()) admin_options.warnings.push_back(clock_warning);
  admin_options.metrics = [&metrics, &audit](const std::map<std::string, uint64_t>& keys) {
    server::Metrics::Gauges gauges;
    gauges.keys_by_state = keys;
    gauges.audit_on = audit != nullptr;
    gauges.audit_dropped = audit ? audit->dropped() : 0;
    return metrics.Text(gauges);
  };
  core::FaultRules faults;  // injected faults: /_rotor/faults and the seed file's faults:
  admin_options.faults = &faults;
  std::unique_ptr<server::admin::DashboardLogin> dashboard_login;  // the one-time link
  if (config.dashboard_login == "on" ||
      (config.dashboard_login == "auto" && !server::admin::IsLoopbackHost(config.host))) {
    dashboard_login = std::make_unique<server::admin::DashboardLogin>();
    admin_options.dashboard_login = dashboard_login.get();
  }
  core::KeyInventory inventory(repo);  // whole-store reads for the admin API
  server::admin::AdminEndpoints admin(service, inventory, *clock, virtual_clock.get(), audit.get(),
                                      admin_options);
  server::wire::RouterOptions router_options;
  router_options.default_account = config.account_id;
  router_options.default_region = config.region;
  router_options.verifier = verifier;
  router_options.wall_clock = &system_clock;
  router_options.faults = &faults;
  std::unique_ptr<core::RequestQuotas> quotas;  // --quotas aws
  if (config.quotas) quotas = std::make_unique<core::RequestQuotas>(config.quota_overrides);
  router_options.quotas = quotas.get();
  server::wire::Router router(service, *clock, router_options);
  // stdout: the start line, one line per request (unless --quiet), the stop line.
  server::RequestLog log(config.log_json ? server::LogFormat::kJson : server::LogFormat::kText);
  server::wire::ApiCallObservers observers;
  observers.Add(audit.get());
  if (!config.quiet) observers.Add(&log);
  if (!observers.empty()) router.SetObserver(&observers);
  server::FrontDispatcher front(router, admin,
                                server::http::HostAllowList(config.host, config.allowed_hosts),
                                server::http::CorsPolicy(config.cors_origins));
  server::RequestLog::Handler logged(front, config.quiet ? nullptr : &log, &metrics);
  server::http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.io_threads = config.threads;
  options.limits.read_timeout = config.read_timeout;
  server::http::HttpServer http_server(logged, options);
  uint16_t port = http_server.Listen();

  std::error_code seed_missing;
  if (config.seed_file_optional && !std::filesystem::exists(config.seed_file, seed_missing)) {
    std::fprintf(stderr, "rotor: no seed file at %s (--compat %s loads it when it exists)\n",
                 config.seed_file.c_str(), config.compat.c_str());
  } else if (!config.seed_file.empty()) {
    // All or nothing: an invalid file stops start-up and leaves nothing behind.
    core::SeedDocument seed =
        server::seed::ReadSeedFile(config.seed_file, core::Scope{config.account_id, config.region});
    core::SeedResult loaded;
    try {
      loaded = service.LoadSeed(seed, clock->Now());
    } catch (const core::SeedError& e) {
      throw core::SeedError(config.seed_file + ": " + e.what());
    }
    for (const core::FaultRule& rule : seed.faults) faults.Add(rule);
    std::fprintf(stderr,
                 "rotor: seed %s: %d keys created, %d already present; %d aliases created, %d "
                 "already present; %zu fault rules\n",
                 config.seed_file.c_str(), loaded.keys_created, loaded.keys_already_present,
                 loaded.aliases_created, loaded.aliases_already_present, seed.faults.size());
  }

  // Rotations that fell due while the server was down fire now, once each,
  // before the first request is served.
  core::AdvanceTime(service, clock->Now());
  worker.Start();

  std::string url = server::http::HttpUrl(config.host, port);
  std::string client_url = server::http::ClientUrl(config.host, port);
  std::string start =
      "rotor " + std::string(ROTOR_VERSION) + " listening on " + url + " (" +
      (config.compat.empty() ? "" : "compat " + config.compat + ", ") + "account " +
      config.account_id + ", region " + config.region + ", clock " + clock_text +
      (verifier ? ", auth strict, " + std::to_string(verifier->size()) + " access keys" : "") +
      ", data " +
      (config.in_memory        ? std::string("in memory")
       : config.postgres_store ? store_name + ", root key in " + data_dir
                               : data_dir) +
      "); try: aws --endpoint-url " + client_url + " kms list-keys" +
      // The only place the one-time token is ever written.
      (dashboard_login ? "; dashboard (one-time link): " + client_url +
                             "/_rotor/login?token=" + dashboard_login->token()
                       : "");
  log.Start(start, url);

  http_server.Run();
  worker.Stop();
  if (core::StoreHealth health = repo.Health(); health.status == core::StoreHealth::Status::kLost) {
    std::fprintf(stderr, "rotor: stopped: %s\n", health.problem.c_str());  // the log says why
    return 1;
  }
  log.Stop("rotor stopped cleanly");
  return 0;
}

int PrintUsage(std::string_view command);

// `rotor report` / `rotor export`: flags through the server's parser, the
// store opened read-only (so they work while servers run on it).
// Errors exit 2 with "rotor <tool>: <why>".
int RunReportTool(const std::vector<std::string>& args) {
  server::tools::ReportOptions options = server::ParseReportConfig(args, environ);
  if (options.help) return PrintUsage("report");
  std::string name;
  std::unique_ptr<core::KeyRepository> repo =
      OpenToolStore(options.data_dir, options.postgres_store, options.database_url, name);
  return server::tools::RunReport(options, *repo);
}

int RunExportTool(const std::vector<std::string>& args) {
  server::tools::ExportOptions options = server::ParseExportConfig(args, environ);
  if (options.help) return PrintUsage("export");
  std::string name;
  std::unique_ptr<core::KeyRepository> repo =
      OpenToolStore(options.data_dir, options.postgres_store, options.database_url, name);
  core::OpenSslRandom random;
  std::optional<core::KeySealer> sealer;
  if (options.include_material) {
    // Plaintext key material leaves Rotor only when asked for explicitly.
    std::string root = RootKeyPath(options.root_key_file, options.data_dir);
    sealer.emplace(storage::LoadOrCreateRootKey(root, false, random), random);
    if (core::CompareRootKey(*repo, *sealer) == core::RootKeyVerdict::kDiffers) {
      throw std::runtime_error(root + " does not match " + name +
                               ": restore it from your backup (or pass the right --root-key-file)");
    }
  }
  return server::tools::RunExport(options, *repo, sealer ? &*sealer : nullptr);
}

// `rotor clock`: a client of a running server's /_rotor/clock.
int RunClockTool(const std::vector<std::string>& args) {
  server::tools::ClockOptions options = server::ParseClockConfig(args, environ);
  if (options.help) return PrintUsage("clock");
  return server::tools::RunClock(options);
}

// `rotor faults`: a client of a running server's /_rotor/faults.
int RunFaultsTool(const std::vector<std::string>& args) {
  server::tools::FaultsOptions options = server::ParseFaultsConfig(args, environ);
  if (options.help) return PrintUsage("faults");
  return server::tools::RunFaults(options);
}

int RunVersion(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) return PrintUsage("version");
  if (!args.empty()) {
    throw server::ConfigError("unexpected argument '" + args[0] +
                              "'\nrun rotor version --help for its usage");
  }
  std::printf("rotor %s (commit %s)\n", ROTOR_VERSION, ROTOR_COMMIT);
  return 0;
}

int RunServe(const std::vector<std::string>& args);
int RunHelp(const std::vector<std::string>& args);

// The subcommands: `rotor <name> [flags]`. A new one is a row here, its
// usage in server::UsageText and its flags in server/config.cc. "serve" is
// the default: `rotor --port 0` is `rotor serve --port 0`.
struct Command {
  const char* name;
  const char* summary;  // one line of `rotor help`
  int (*run)(const std::vector<std::string>& args);
};
constexpr Command kCommands[] = {
    {"serve", "run the KMS emulator (the default command)", &RunServe},
    {"clock", "show or move a running server's clock (rotor clock advance 366d)", &RunClockTool},
    {"faults", "add, list or clear injected faults of a running server", &RunFaultsTool},
    {"report", "the rotation compliance report of a data dir", &RunReportTool},
    {"export", "write a data dir's keys and aliases as a seed file", &RunExportTool},
    {"version", "print the version and the git commit", &RunVersion},
    {"help", "print this list, or a command's usage (rotor help clock)", &RunHelp},
};

const Command* FindCommand(std::string_view name) {
  for (const Command& c : kCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

std::string CommandList() {
  std::string text = "usage: rotor <command> [flags]   (rotor <command> --help for its flags)\n";
  for (const Command& c : kCommands) {
    text +=
        "  " + std::string(c.name) + std::string(9 - std::strlen(c.name), ' ') + c.summary + "\n";
  }
  return text;
}

// `rotor --help` / `rotor serve --help`: the commands, then the server's flags.
int PrintUsage(std::string_view command) {
  if (command == "serve") std::fputs((CommandList() + "\n").c_str(), stdout);
  std::fputs(server::UsageText(command).c_str(), stdout);
  return 0;
}

int RunHelp(const std::vector<std::string>& args) {
  if (args.empty()) return PrintUsage("serve");
  if (args[0] == "-h" || args[0] == "--help") return PrintUsage("help");
  if (args.size() > 1 || !FindCommand(args[0])) {
    throw server::ConfigError("no command '" + args[0] + "'\nrun rotor help for all commands");
  }
  return PrintUsage(args[0]);
}

int RunServe(const std::vector<std::string>& args) {
  if (std::find(args.begin(), args.end(), "--version") != args.end()) return RunVersion({});
  server::Config config = server::ParseConfig(args, environ);
  if (config.help) return PrintUsage("serve");
  try {
    return Serve(config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rotor: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // A first word that is not a flag names the command; flags alone are `serve`'s.
  const Command* command = FindCommand("serve");
  std::string prefix = "rotor";
  if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    command = FindCommand(args[0]);
    if (!command) {
      std::fprintf(stderr, "rotor: unknown command '%s'\nrun rotor help for all commands\n",
                   args[0].c_str());
      return 2;
    }
    if (std::string_view(command->name) != "serve") prefix += " " + args[0];
    args.erase(args.begin());
  }
  try {
    return command->run(args);
  } catch (const server::ConfigError& e) {
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    // A tool's failure (rotor report, rotor export): "rotor <tool>: <why>".
    std::fprintf(stderr, "%s: %s\n", prefix.c_str(), e.what());
    return 2;
  }
}
