#include "server/config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

using namespace rotor;
using server::Config;
using server::ConfigError;
using server::ParseConfig;

namespace {

// An environment for ParseConfig: "NAME=value" strings, null-terminated.
struct Env {
  std::vector<std::string> entries;
  std::vector<char*> ptrs;
  explicit Env(std::vector<std::string> e) : entries(std::move(e)) {
    for (std::string& s : entries) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
  char** get() { return ptrs.data(); }
};

}  // namespace

TEST_CASE("Compat local-kms: local-kms's documented defaults") {
  Env env({"HOME=/home/me"});
  Config c = ParseConfig({"--compat", "local-kms"}, env.get());
  CHECK(c.compat == "local-kms");
  CHECK(c.port == 8080);
  CHECK(c.region == "eu-west-2");
  CHECK(c.account_id == "111122223333");
  CHECK(c.seed_file == "/init/seed.yaml");
  CHECK(c.seed_file_optional);
  CHECK_FALSE(c.in_memory);
  CHECK(c.data_dir == (std::filesystem::is_directory("/data") ? "/data" : "/tmp/local-kms"));
  // The data path of local-kms's image when /data exists, its native one otherwise.
  Config in_image, native;
  server::ApplyCompatDefaults(in_image, "local-kms", true);
  server::ApplyCompatDefaults(native, "local-kms", false);
  CHECK(in_image.data_dir == "/data");
  CHECK(native.data_dir == "/tmp/local-kms");
}

TEST_CASE("Compat moto: moto_server's defaults, state in memory") {
  Env env({"HOME=/home/me"});
  Config c = ParseConfig({"--compat=moto"}, env.get());
  CHECK(c.compat == "moto");
  CHECK(c.port == 5000);
  CHECK(c.region == "us-east-1");
  CHECK(c.account_id == "123456789012");
  CHECK(c.in_memory);
  CHECK(c.seed_file.empty());
  // A data dir named keeps the state there.
  Config d = ParseConfig({"--compat", "moto", "--data-dir", "/tmp/x"}, env.get());
  CHECK_FALSE(d.in_memory);
  CHECK(d.data_dir == "/tmp/x");
}

TEST_CASE("Explicit settings win over --compat's defaults, in every form") {
  Env env({"HOME=/home/me", "ROTOR_COMPAT=local-kms", "KMS_REGION=ap-south-1",
           "ROTOR_ACCOUNT_ID=999988887777", "KMS_SEED_PATH=/s.yaml"});
  Config c = ParseConfig({"--port", "0", "--data-dir", "/tmp/d"}, env.get());
  CHECK(c.compat == "local-kms");
  CHECK(c.port == 0);
  CHECK(c.region == "ap-south-1");        // local-kms's variable
  CHECK(c.account_id == "999988887777");  // Rotor's variable
  CHECK(c.data_dir == "/tmp/d");          // the flag
  CHECK(c.seed_file == "/s.yaml");
  CHECK_FALSE(c.seed_file_optional);  // a seed file named must exist
  // The flag wins over ROTOR_COMPAT; none means Rotor's own defaults.
  Config own = ParseConfig({"--compat", "none"}, env.get());
  CHECK(own.compat.empty());
  CHECK(own.port == 4599);
  CHECK(own.seed_file == "/s.yaml");
  Env plain({"HOME=/home/me"});
  Config rotor = ParseConfig({}, plain.get());
  CHECK(rotor.compat.empty());
  CHECK(rotor.port == 4599);
  CHECK(rotor.region == "us-east-1");
  CHECK(rotor.seed_file.empty());
  CHECK(rotor.data_dir == "/home/me/.local/share/rotor");
}

TEST_CASE("An unknown --compat names the flag or the variable") {
  Env env({"HOME=/home/me"});
  CHECK_THROWS_WITH(ParseConfig({"--compat", "localstack"}, env.get()),
                    "--compat must be local-kms, moto or none, not 'localstack'");
  Env bad({"HOME=/home/me", "ROTOR_COMPAT=kms"});
  CHECK_THROWS_WITH(ParseConfig({}, bad.get()),
                    "ROTOR_COMPAT must be local-kms, moto or none, not 'kms'");
}

TEST_CASE("An unknown flag names the nearest one and one hint line, not the whole usage") {
  Env env({"HOME=/home/me"});
  auto message = [&env](std::vector<std::string> args) {
    try {
      ParseConfig(args, env.get());
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({"--prot", "1"}) ==
        "unknown flag --prot (did you mean --port?)\nrun rotor --help for all flags");
  CHECK(message({"--data-dri", "x"}) ==
        "unknown flag --data-dri (did you mean --data-dir?)\nrun rotor --help for all flags");
  CHECK(message({"--in-memroy"}) ==
        "unknown flag --in-memroy (did you mean --in-memory?)\nrun rotor --help for all flags");
  // A prefix of one flag: that flag.
  CHECK(message({"--credentials"}) ==
        "unknown flag --credentials (did you mean "
        "--credentials-file?)\nrun rotor --help for all flags");
  // Nothing near: no guess.
  CHECK(message({"--frobnicate"}) == "unknown flag --frobnicate\nrun rotor --help for all flags");
  CHECK(message({"stray"}) == "unexpected argument 'stray'\nrun rotor --help for its usage");
  // The tools say their own name.
  try {
    server::ParseReportConfig({"--jsn"}, env.get());
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) ==
          "unknown flag --jsn (did you mean --json?)\nrun rotor report --help for all flags");
  }
}

TEST_CASE("Durations of flags take years and weeks") {
  Env env({"HOME=/home/me"});
  Config c =
      ParseConfig({"--rotation-jitter", "1w", "--on-demand-rotation-delay", "1y"}, env.get());
  CHECK(c.rotation_jitter == core::Days(7));
  CHECK(c.on_demand_rotation_delay == core::Days(365));
  CHECK_THROWS_WITH(ParseConfig({"--rotation-jitter", "1q"}, env.get()),
                    "--rotation-jitter must be a duration like 1y, 2w, 24h, 30m, 1d12h or 0, not "
                    "'1q'");
}

TEST_CASE("The data dir's source is named in its errors") {
  Env env({"HOME=/home/me"});
  CHECK(ParseConfig({}, env.get()).data_dir_source == "the default data dir");
  CHECK(ParseConfig({"--data-dir", "/tmp/x"}, env.get()).data_dir_source == "--data-dir");
  CHECK(ParseConfig({"--data-dir=/tmp/x"}, env.get()).data_dir_source == "--data-dir");
  Env rotor_env({"HOME=/home/me", "ROTOR_DATA_DIR=/tmp/y"});
  CHECK(ParseConfig({}, rotor_env.get()).data_dir_source == "ROTOR_DATA_DIR");
  Env local_kms_env({"HOME=/home/me", "KMS_DATA_PATH=/tmp/z"});
  CHECK(ParseConfig({}, local_kms_env.get()).data_dir_source == "KMS_DATA_PATH");
  CHECK(ParseConfig({"--compat", "local-kms"}, env.get()).data_dir_source ==
        "--compat local-kms's data dir");
}

TEST_CASE("rotor clock: the server's defaults, an action and its argument checked before sending") {
  Env env({"HOME=/home/me"});
  server::tools::ClockOptions show = server::ParseClockConfig({}, env.get());
  CHECK(show.action.empty());
  CHECK(server::tools::AdminEndpoint(show) == "http://127.0.0.1:4599");

  server::tools::ClockOptions advance =
      server::ParseClockConfig({"advance", "366d", "--port", "5001", "--json"}, env.get());
  CHECK(advance.action == "advance");
  CHECK(advance.value == "366d");
  CHECK(advance.json);
  CHECK(server::tools::AdminEndpoint(advance) == "http://127.0.0.1:5001");
  CHECK(server::ParseClockConfig({"advance", "next"}, env.get()).value == "next");
  CHECK(server::ParseClockConfig({"set", "2030-01-01T00:00:00Z"}, env.get()).action == "set");

  // The server's variables and defaults: ROTOR_ENDPOINT, ROTOR_PORT, --compat's port, IPv6.
  Env endpoint_env({"ROTOR_ENDPOINT=http://[::1]:7000/"});
  CHECK(server::tools::AdminEndpoint(server::ParseClockConfig({}, endpoint_env.get())) ==
        "http://[::1]:7000");
  Env port_env({"ROTOR_PORT=4700", "ROTOR_HOST=::"});
  CHECK(server::tools::AdminEndpoint(server::ParseClockConfig({}, port_env.get())) ==
        "http://[::1]:4700");
  CHECK(server::tools::AdminEndpoint(server::ParseClockConfig({"--compat", "moto"}, env.get())) ==
        "http://127.0.0.1:5000");
  CHECK(server::tools::AdminEndpoint(server::ParseClockConfig({"--host", "0.0.0.0", "--port", "9"},
                                                              env.get())) == "http://127.0.0.1:9");

  CHECK_THROWS_WITH(server::ParseClockConfig({"advance", "366x"}, env.get()),
                    "advance takes a duration like 366d, 1y, 2w, 12h or 1d12h, or next; not "
                    "'366x'\nrun rotor clock --help for its usage");
  CHECK_THROWS_WITH(server::ParseClockConfig({"advance"}, env.get()),
                    "advance needs one duration (366d, 1y, 2w, 12h) or next\nrun rotor clock "
                    "--help for its usage");
  CHECK_THROWS_WITH(server::ParseClockConfig({"rewind", "1d"}, env.get()),
                    "unknown clock action 'rewind' (advance or set)\nrun rotor clock --help for "
                    "its usage");
  CHECK_THROWS_WITH(server::ParseClockConfig({"set", "tomorrow"}, env.get()),
                    "set must be an ISO-8601 time like 2027-01-01T00:00:00Z");
  CHECK_THROWS_WITH(server::ParseClockConfig({"--endpoint", "https://x"}, env.get()),
                    "--endpoint must be an http:// URL like http://127.0.0.1:4599, not "
                    "'https://x'");
  CHECK_THROWS_WITH(server::ParseClockConfig({"--prot", "1"}, env.get()),
                    "unknown flag --prot (did you mean --port?)\nrun rotor clock --help for all "
                    "flags");
}

TEST_CASE("Every command has a usage text") {
  for (const char* command : {"serve", "clock", "report", "export", "version", "help"}) {
    CAPTURE(command);
    CHECK(server::UsageText(command).starts_with("usage: rotor"));
  }
  CHECK(server::UsageText("nope").empty());
}

TEST_CASE("CORS origins: repeatable flags, or a list in the variable the flags replace") {
  Env env({"HOME=/home/me"});
  CHECK(ParseConfig({}, env.get()).cors_origins.empty());  // off by default
  Config c = ParseConfig(
      {"--cors-origin", "http://localhost:5173", "--cors-origin=https://app.example.test"},
      env.get());
  CHECK(c.cors_origins ==
        std::vector<std::string>{"http://localhost:5173", "https://app.example.test"});
  Env var({"HOME=/home/me", "ROTOR_CORS_ORIGIN=http://a.test, http://b.test:8080"});
  CHECK(ParseConfig({}, var.get()).cors_origins ==
        std::vector<std::string>{"http://a.test", "http://b.test:8080"});
  CHECK(ParseConfig({"--cors-origin", "http://c.test"}, var.get()).cors_origins ==
        std::vector<std::string>{"http://c.test"});
  CHECK_THROWS_WITH(ParseConfig({"--cors-origin", "localhost:5173"}, env.get()),
                    "--cors-origin takes an origin like http://localhost:5173 (scheme, host, "
                    "port; no path), not 'localhost:5173'");
  CHECK_THROWS_WITH(ParseConfig({"--cors-origin", "http://a.test/app"}, env.get()),
                    "--cors-origin takes an origin like http://localhost:5173 (scheme, host, "
                    "port; no path), not 'http://a.test/app'");
}

TEST_CASE("rotor faults: a rule's flags build its JSON, with add only, never from variables") {
  Env env({"HOME=/home/me", "ROTOR_PORT=4700", "ROTOR_REGION=eu-west-1", "ROTOR_SEED=5",
           "KMS_REGION=eu-west-2"});
  server::tools::FaultsOptions add = server::ParseFaultsConfig(
      {"add", "--operations", "Encrypt,Decrypt", "--key-id", "alias/app", "--error",
       "ThrottlingException", "--probability", "0.3", "--seed=7"},
      env.get());
  CHECK(add.action == "add");
  CHECK(add.rule == nlohmann::json::parse(R"({"match":{"operations":["Encrypt","Decrypt"],
      "keyId":"alias/app"},"action":{"error":"ThrottlingException"},
      "frequency":{"probability":"0.3","seed":"7"}})"));
  CHECK(server::tools::AdminEndpoint(add) == "http://127.0.0.1:4700");  // ROTOR_PORT is read
  server::tools::FaultsOptions drop =
      server::ParseFaultsConfig({"add", "--drop", "--region", "us-west-2"}, env.get());
  CHECK(drop.rule == nlohmann::json::parse(R"({"match":{"region":"us-west-2"},
      "action":{"drop":true}})"));

  CHECK(server::ParseFaultsConfig({}, env.get()).action == "list");
  server::tools::FaultsOptions clear = server::ParseFaultsConfig({"clear", "fault-2"}, env.get());
  CHECK(clear.action == "clear");
  CHECK(clear.id == "fault-2");
  CHECK(server::ParseFaultsConfig({"clear"}, env.get()).id.empty());

  CHECK_THROWS_WITH(server::ParseFaultsConfig({"add", "--next", "2"}, env.get()),
                    "add needs what the rule does: --error NAME, --delay D or --drop\nrun rotor "
                    "faults --help for its usage");
  CHECK_THROWS_WITH(server::ParseFaultsConfig({"list", "--drop"}, env.get()),
                    "a rule's flags (--error, --operations, ...) go with add only\nrun rotor "
                    "faults --help for its usage");
  CHECK_THROWS_WITH(server::ParseFaultsConfig({"clear", "fault-1", "fault-2"}, env.get()),
                    "unexpected argument 'fault-2'\nrun rotor faults --help for its usage");
}
