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
