// What JSON costs per request, in CPU time: reading the request body
// (ParseRequestBody), writing the response (WriteJsonText) and writing the
// audit record (ApiCallEvent, on the audit writer thread) for Encrypt of 4 KiB,
// Decrypt of its ciphertext and DescribeKey, with bodies of the sizes
// bench/prepare.py sends and responses shaped as Rotor answers them.
//
// Built by hand against a Release build's libraries, so that the same source
// A/Bs two commits (the functions it calls keep their signatures; before
// server/ moved into folders they were in namespace rotor::server; before
// the snapshot was packed into one string, ApiCallSnapshot was a struct with
// the RequestContext and the request as a JSON DOM):
//   ROTOR_BUILD_TARGETS=rotor_audit scripts/build.sh build-bench Release -DBUILD_TESTING=OFF
//   g++ -std=c++20 -O2 -DNDEBUG -I. bench/json_cost.cc build-bench/librotor_audit.a \
//     build-bench/librotor_wire.a build-bench/librotor_http.a build-bench/librotor_core.a \
//     -lsimdjson -lcrypto -lpthread -o /tmp/json_cost
//   /tmp/json_cost [iterations]
// Prints a Markdown table: the CPU time of one call (thread CPU time, the
// best of 7 batches), which other load on the machine moves far less than
// wall-clock throughput.
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>

#include "core/bytes.h"
#include "server/audit/cloudtrail_event.h"
#include "server/wire/json_body.h"
#include "server/wire/json_text.h"

namespace {

using nlohmann::json;
using rotor::core::Bytes;

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Best of 7 batches of `n` calls: nanoseconds of CPU per call.
double Measure(int n, const std::function<void()>& call) {
  double best = 1e18;
  for (int batch = 0; batch < 7; ++batch) {
    double t0 = ThreadCpuNs();
    for (int i = 0; i < n; ++i) call();
    best = std::min(best, (ThreadCpuNs() - t0) / n);
  }
  return best;
}

std::string RandomBase64(size_t bytes, std::mt19937& rng) {
  Bytes b(bytes);
  for (auto& c : b) c = static_cast<uint8_t>(rng());
  return rotor::core::Base64Encode(b);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::mt19937 rng(8);
  const std::string key_id = "2b9b9717-9530-478e-ba90-60add8f8c7b9";
  const std::string arn = "arn:aws:kms:us-east-1:111122223333:key/" + key_id;
  // Requests as bench/prepare.py writes them (json.dump: ", " and ": " separators).
  const std::string plaintext = RandomBase64(4096, rng);   // 5,464 chars
  const std::string ciphertext = RandomBase64(4146, rng);  // 5,528 chars, as Rotor's blob
  const std::string encrypt_body =
      R"({"KeyId": ")" + key_id + R"(", "Plaintext": ")" + plaintext + R"("})";
  const std::string decrypt_body = R"({"CiphertextBlob": ")" + ciphertext + R"("})";
  const std::string describe_body = R"({"KeyId": ")" + key_id + R"("})";
  // Responses as Rotor builds them (server/operations/*.cc, server/wire/json_io.cc).
  const json encrypt_response = {
      {"CiphertextBlob", ciphertext}, {"KeyId", arn}, {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
  const json decrypt_response = {
      {"KeyId", arn},
      {"Plaintext", plaintext},
      {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"},
      {"KeyMaterialId", "3db5c3eb39876995dd6d9447138cce5148988c390e7ff2b78c7234baece7bdea"}};
  const json describe_response = {
      {"KeyMetadata",
       {{"AWSAccountId", "111122223333"},
        {"KeyId", key_id},
        {"Arn", arn},
        {"CreationDate", 1764099251.123},
        {"Enabled", true},
        {"Description", "bench"},
        {"KeyUsage", "ENCRYPT_DECRYPT"},
        {"KeyState", "Enabled"},
        {"Origin", "AWS_KMS"},
        {"KeyManager", "CUSTOMER"},
        {"CustomerMasterKeySpec", "SYMMETRIC_DEFAULT"},
        {"KeySpec", "SYMMETRIC_DEFAULT"},
        {"MultiRegion", false},
        {"EncryptionAlgorithms", {"SYMMETRIC_DEFAULT"}},
        {"CurrentKeyMaterialId",
         "3db5c3eb39876995dd6d9447138cce5148988c390e7ff2b78c7234baece7bdea"}}}};
  // Audit snapshots as the request thread packs them (SnapshotOf): cryptographic
  // and read-only calls carry no response; the request without its blob members.
  using Snapshot = rotor::server::audit::ApiCallSnapshot;
  const std::string request_parameters = R"({"keyId":")" + key_id + R"("})";
  Snapshot::Fields fields = {"111122223333",
                             "us-east-1",
                             "6a1f1d6e-0d7c-4a55-9c55-5c2b6d1f3a10",
                             "",
                             "127.0.0.1",
                             "wrk",
                             "Encrypt",
                             request_parameters,
                             "null",
                             "",
                             "",
                             key_id};
  const Snapshot call({}, nullptr, false, fields);
  fields[Snapshot::kOperation] = "DescribeKey";
  const Snapshot describe_call({}, nullptr, true, fields);

  struct Row {
    const char* what;
    std::function<void()> call;
  };
  volatile size_t sink = 0;
  const Row rows[] = {
      {"read Encrypt request (5.5 KB)",
       [&] { sink = sink + rotor::server::wire::ParseRequestBody(encrypt_body).size(); }},
      {"read Decrypt request (5.5 KB)",
       [&] { sink = sink + rotor::server::wire::ParseRequestBody(decrypt_body).size(); }},
      {"read DescribeKey request (49 B)",
       [&] { sink = sink + rotor::server::wire::ParseRequestBody(describe_body).size(); }},
      {"write Encrypt response (5.7 KB)",
       [&] { sink = sink + rotor::server::wire::WriteJsonText(encrypt_response).size(); }},
      {"write Decrypt response (5.7 KB)",
       [&] { sink = sink + rotor::server::wire::WriteJsonText(decrypt_response).size(); }},
      {"write DescribeKey response (0.6 KB)",
       [&] { sink = sink + rotor::server::wire::WriteJsonText(describe_response).size(); }},
      {"audit record of an Encrypt call",
       [&] { sink = sink + rotor::server::audit::ApiCallEvent(call, "e").record.size(); }},
      {"audit record of a DescribeKey call",
       [&] { sink = sink + rotor::server::audit::ApiCallEvent(describe_call, "e").record.size(); }},
  };
  std::printf("| step | CPU per call |\n|---|---|\n");
  for (const Row& row : rows) {
    row.call();  // warm up: the reader's per-thread parser, caches
    std::printf("| %s | %.2f us |\n", row.what, Measure(n, row.call) / 1000.0);
  }
  return sink == 0;
}
