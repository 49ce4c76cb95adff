// RequestValidator (server/wire/request_validator.*) on its own: a table of
// request bodies and the exact SerializationException / ValidationException
// each one gets, then a sweep over every operation of the botocore model
// (server/wire/kms_model.json) that derives the expected
// "1 validation error detected: ..." texts from the model itself: required,
// enum, length, range and blob constraints of every top-level member.
// Texts AWS has answered with are quoted from those recordings (enum, range,
// tag length, plaintext length); the rest follow the same format.
#include "server/wire/request_validator.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/kms_error.h"

namespace rotor::server::wire {
extern const std::string_view kKmsModelJson;  // the embedded botocore model
}

using namespace rotor;
using nlohmann::json;

namespace {

struct Outcome {
  std::string error;  // "" when the body passed
  std::string message;
  server::wire::DecodedBlobs blobs;
};

const server::wire::RequestValidator& Validator() {
  static const server::wire::RequestValidator validator;
  return validator;
}

Outcome Run(std::string_view operation, const json& body) {
  Outcome out;
  try {
    out.blobs = Validator().Validate(operation, body);
  } catch (const core::KmsError& e) {
    out.error = std::string(e.name());
    out.message = e.message();
    CHECK(core::HttpStatus(e.code()) == 400);
  }
  return out;
}

std::string B64(const std::string& bytes) {
  return core::Base64Encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

const std::string kOne = "1 validation error detected: ";

struct Case {
  const char* what;
  const char* operation;
  json body;
  const char* error;  // "" for accepted
  std::string message;
};

void RunTable(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.what << ": " << c.operation << " " << c.body.dump().substr(0, 300));
    Outcome got = Run(c.operation, c.body);
    CHECK(got.error == c.error);
    CHECK(got.message == c.message);
  }
}

}  // namespace

TEST_CASE("Validator: range, enum and length texts AWS has answered with") {
  RunTable({
      {"below the minimum",
       "GenerateRandom",
       {{"NumberOfBytes", 0}},
       "ValidationException",
       kOne + "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value "
              "greater than or equal to 1"},
      {"above the maximum",
       "GenerateRandom",
       {{"NumberOfBytes", 1025}},
       "ValidationException",
       kOne + "Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have "
              "value less than or equal to 1024"},
      {"key agreement enum",
       "DeriveSharedSecret",
       {{"KeyId", "k"}, {"KeyAgreementAlgorithm", "INVALID"}, {"PublicKey", "AAAA"}},
       "ValidationException",
       kOne + "Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member "
              "must satisfy enum value set: [ECDH]"},
      {"key usage enum",
       "CreateKey",
       {{"KeyUsage", "RANDOM"}},
       "ValidationException",
       kOne + "Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy "
              "enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, "
              "KEY_AGREEMENT]"},
      {"key spec enum",
       "CreateKey",
       {{"KeySpec", "HMAC_random"}},
       "ValidationException",
       kOne + "Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy "
              "enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, "
              "ECC_NIST_P521, ECC_SECG_P256K1, SYMMETRIC_DEFAULT, HMAC_224, HMAC_256, HMAC_384, "
              "HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519]"},
      {"MAC algorithm enum",
       "GenerateMac",
       {{"KeyId", "k"}, {"MacAlgorithm", "INVALID"}, {"Message", "AAAA"}},
       "ValidationException",
       kOne + "Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must "
              "satisfy enum value set: [HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512]"},
      {"tag key too long",
       "TagResource",
       {{"KeyId", "k"}, {"Tags", {{{"TagKey", std::string(129, 'k')}, {"TagValue", ""}}}}},
       "ValidationException",
       kOne + "Value '" + std::string(129, 'k') +
           "' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length "
           "less than or equal to 128"},
      {"plaintext too long: the value is never echoed",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", B64(std::string(4097, 'x'))}},
       "ValidationException",
       kOne + "Value at 'plaintext' failed to satisfy constraint: Member must have length less "
              "than or equal to 4096"},
  });
}

TEST_CASE("Validator: required, length, pattern and range constraints") {
  RunTable({
      {"required member absent", "DescribeKey", json::object(), "ValidationException",
       kOne + "Value null at 'keyId' failed to satisfy constraint: Member must not be null"},
      {"required member null",
       "DescribeKey",
       {{"KeyId", nullptr}},
       "ValidationException",
       kOne + "Value null at 'keyId' failed to satisfy constraint: Member must not be null"},
      {"optional member null is absent",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AA=="}, {"EncryptionContext", nullptr}},
       "",
       ""},
      {"NumberOfBytes is optional in the model (the handler requires it)", "GenerateRandom",
       json::object(), "", ""},
      {"empty key id",
       "DescribeKey",
       {{"KeyId", ""}},
       "ValidationException",
       kOne + "Value '' at 'keyId' failed to satisfy constraint: Member must have length greater "
              "than or equal to 1"},
      {"alias pattern",
       "CreateAlias",
       {{"AliasName", "alias/has space"}, {"TargetKeyId", "x"}},
       "ValidationException",
       kOne + "Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must "
              "satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"},
      {"a length violation hides the pattern check",
       "CreateAlias",
       {{"AliasName", ""}, {"TargetKeyId", "x"}},
       "ValidationException",
       kOne + "Value '' at 'aliasName' failed to satisfy constraint: Member must have length "
              "greater than or equal to 1"},
      {"rotation period below 90",
       "EnableKeyRotation",
       {{"KeyId", "k"}, {"RotationPeriodInDays", 89}},
       "ValidationException",
       kOne + "Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: Member must "
              "have value greater than or equal to 90"},
      {"rotation period above 2560",
       "EnableKeyRotation",
       {{"KeyId", "k"}, {"RotationPeriodInDays", 2561}},
       "ValidationException",
       kOne + "Value '2561' at 'rotationPeriodInDays' failed to satisfy constraint: Member must "
              "have value less than or equal to 2560"},
      {"rotation period bounds themselves",
       "EnableKeyRotation",
       {{"KeyId", "k"}, {"RotationPeriodInDays", 90}},
       "",
       ""},
      {"pending window: the model allows 1-365 (7-30 is the service's rule)",
       "ScheduleKeyDeletion",
       {{"KeyId", "k"}, {"PendingWindowInDays", 366}},
       "ValidationException",
       kOne + "Value '366' at 'pendingWindowInDays' failed to satisfy constraint: Member must "
              "have value less than or equal to 365"},
      {"pending window of 1 passes validation",
       "ScheduleKeyDeletion",
       {{"KeyId", "k"}, {"PendingWindowInDays", 1}},
       "",
       ""},
      {"negative integers are echoed with their sign",
       "ListKeys",
       {{"Limit", -5}},
       "ValidationException",
       kOne + "Value '-5' at 'limit' failed to satisfy constraint: Member must have value greater "
              "than or equal to 1"},
      {"limit above 1000",
       "ListKeys",
       {{"Limit", 1001}},
       "ValidationException",
       kOne + "Value '1001' at 'limit' failed to satisfy constraint: Member must have value less "
              "than or equal to 1000"},
      {"int32 maximum is a range error, not a serialization error",
       "GenerateRandom",
       {{"NumberOfBytes", 2147483647}},
       "ValidationException",
       kOne + "Value '2147483647' at 'numberOfBytes' failed to satisfy constraint: Member must "
              "have value less than or equal to 1024"},
      {"int32 minimum",
       "GenerateRandom",
       {{"NumberOfBytes", -2147483648LL}},
       "ValidationException",
       kOne + "Value '-2147483648' at 'numberOfBytes' failed to satisfy constraint: Member must "
              "have value greater than or equal to 1"},
      {"marker: Latin-1 is allowed", "ListKeys", {{"Marker", "caf\xc3\xa9"}}, "", ""},
      {"marker: a code point above U+00FF",
       "ListKeys",
       {{"Marker", "\xc4\x80"}},
       "ValidationException",
       kOne + "Value '\xc4\x80' at 'marker' failed to satisfy constraint: Member must satisfy "
              "regular expression pattern: [\\u0020-\\u00FF]*"},
      {"marker: a control character",
       "ListKeys",
       {{"Marker", "a\tb"}},
       "ValidationException",
       kOne + "Value 'a\tb' at 'marker' failed to satisfy constraint: Member must satisfy "
              "regular expression pattern: [\\u0020-\\u00FF]*"},
      {"policy: tab, newline and carriage return are allowed",
       "PutKeyPolicy",
       {{"KeyId", "k"}, {"Policy", "{\t\"a\":\r\n1}"}},
       "",
       ""},
      {"policy: a code point above U+00FF",
       "PutKeyPolicy",
       {{"KeyId", "k"}, {"Policy", "{\"\xe2\x82\xac\"}"}},
       "ValidationException",
       kOne + "Value '{\"\xe2\x82\xac\"}' at 'policy' failed to satisfy constraint: Member must "
              "satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"},
      {"KeyMaterialId shorter than 64",
       "ImportKeyMaterial",
       {{"KeyId", "k"},
        {"ImportToken", "AA=="},
        {"EncryptedKeyMaterial", "AA=="},
        {"KeyMaterialId", std::string(63, 'a')}},
       "ValidationException",
       kOne + "Value '" + std::string(63, 'a') +
           "' at 'keyMaterialId' failed to satisfy constraint: Member must have length greater "
           "than or equal to 64"},
      {"KeyMaterialId in upper case",
       "ImportKeyMaterial",
       {{"KeyId", "k"},
        {"ImportToken", "AA=="},
        {"EncryptedKeyMaterial", "AA=="},
        {"KeyMaterialId", std::string(64, 'A')}},
       "ValidationException",
       kOne + "Value '" + std::string(64, 'A') +
           "' at 'keyMaterialId' failed to satisfy constraint: Member must satisfy regular "
           "expression pattern: ^[a-f0-9]+$"},
      {"unknown members are ignored", "DescribeKey", {{"KeyId", "k"}, {"FutureMember", 1}}, "", ""},
  });
}

TEST_CASE("Validator: lengths count code points, not bytes") {
  std::string e_acute = "\xc3\xa9";   // U+00E9, two bytes
  std::string euro = "\xe2\x82\xac";  // U+20AC, three bytes
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  CHECK(Run("CreateKey", json{{"Description", repeat(e_acute, 8192)}}).error.empty());
  Outcome long_description = Run("CreateKey", json{{"Description", repeat(e_acute, 8193)}});
  CHECK(long_description.error == "ValidationException");
  CHECK(long_description.message ==
        kOne + "Value '" + repeat(e_acute, 8193) +
            "' at 'description' failed to satisfy constraint: Member must have length less than "
            "or equal to 8192");
  json tag = {{"KeyId", "k"}, {"Tags", {{{"TagKey", repeat(euro, 128)}, {"TagValue", "v"}}}}};
  CHECK(Run("TagResource", tag).error.empty());
  tag["Tags"][0]["TagKey"] = repeat(euro, 129);
  CHECK(Run("TagResource", tag).message ==
        kOne + "Value '" + repeat(euro, 129) +
            "' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length "
            "less than or equal to 128");
}

TEST_CASE("Validator: list members are named by position, from 1") {
  RunTable({
      {"second tag's value too long",
       "TagResource",
       {{"KeyId", "k"},
        {"Tags",
         {{{"TagKey", "a"}, {"TagValue", "ok"}},
          {{"TagKey", "b"}, {"TagValue", std::string(257, 'v')}}}}},
       "ValidationException",
       kOne + "Value '" + std::string(257, 'v') +
           "' at 'tags.2.member.tagValue' failed to satisfy constraint: Member must have length "
           "less than or equal to 256"},
      {"tag without a value",
       "TagResource",
       {{"KeyId", "k"}, {"Tags", {{{"TagKey", "a"}}}}},
       "ValidationException",
       kOne + "Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must "
              "not be null"},
      {"an empty grant token",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AA=="}, {"GrantTokens", {"t", ""}}},
       "ValidationException",
       kOne + "Value '' at 'grantTokens.2.member' failed to satisfy constraint: Member must have "
              "length greater than or equal to 1"},
      {"eleven grant tokens: the list is not echoed",
       "Encrypt",
       {{"KeyId", "k"},
        {"Plaintext", "AA=="},
        {"GrantTokens", json(std::vector<std::string>(11, "t"))}},
       "ValidationException",
       kOne + "Value at 'grantTokens' failed to satisfy constraint: Member must have length less "
              "than or equal to 10"},
      {"ten grant tokens",
       "Encrypt",
       {{"KeyId", "k"},
        {"Plaintext", "AA=="},
        {"GrantTokens", json(std::vector<std::string>(10, "t"))}},
       "",
       ""},
  });
}

TEST_CASE("Validator: every violation is counted and joined, in the model's member order") {
  RunTable({
      {"two required members", "Encrypt", json::object(), "ValidationException",
       "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member "
       "must not be null; Value null at 'plaintext' failed to satisfy constraint: Member must not "
       "be null"},
      {"two kinds",
       "EnableKeyRotation",
       {{"KeyId", ""}, {"RotationPeriodInDays", 89}},
       "ValidationException",
       "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1; Value '89' at 'rotationPeriodInDays' failed "
       "to satisfy constraint: Member must have value greater than or equal to 90"},
      {"three, with a blob",
       "Encrypt",
       {{"Plaintext", ""}, {"KeyId", ""}, {"EncryptionAlgorithm", "X"}},
       "ValidationException",
       "3 validation errors detected: Value 'X' at 'encryptionAlgorithm' failed to satisfy "
       "constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, "
       "RSAES_OAEP_SHA_256, SM2PKE]; Value '' at 'keyId' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1; Value at 'plaintext' failed to satisfy "
       "constraint: Member must have length greater than or equal to 1"},
      {"nested and top-level together",
       "ImportKeyMaterial",
       {{"KeyId", "k"}},
       "ValidationException",
       "2 validation errors detected: Value null at 'encryptedKeyMaterial' failed to satisfy "
       "constraint: Member must not be null; Value null at 'importToken' failed to satisfy "
       "constraint: Member must not be null"},
  });
}

TEST_CASE("Validator: wrong JSON types are SerializationException, before any count") {
  RunTable({
      {"body not an object", "CreateKey", json::array({1}), "SerializationException",
       "Expected a JSON object for 'body'."},
      {"number for a string",
       "CreateKey",
       {{"Description", 5}},
       "SerializationException",
       "Expected a string for 'description'."},
      {"string for an enum",
       "CreateKey",
       {{"KeyUsage", 1}},
       "SerializationException",
       "Expected a string for 'keyUsage'."},
      {"fraction for an integer",
       "GenerateRandom",
       {{"NumberOfBytes", 1.5}},
       "SerializationException",
       "Expected an integer for 'numberOfBytes'."},
      {"string for an integer",
       "GenerateRandom",
       {{"NumberOfBytes", "32"}},
       "SerializationException",
       "Expected an integer for 'numberOfBytes'."},
      {"above int32",
       "GenerateRandom",
       {{"NumberOfBytes", 2147483648LL}},
       "SerializationException",
       "Integer value out of range for 'numberOfBytes'."},
      {"below int32",
       "GenerateRandom",
       {{"NumberOfBytes", -2147483649LL}},
       "SerializationException",
       "Integer value out of range for 'numberOfBytes'."},
      {"uint64 maximum",
       "GenerateRandom",
       {{"NumberOfBytes", UINT64_MAX}},
       "SerializationException",
       "Integer value out of range for 'numberOfBytes'."},
      {"string for a boolean",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AA=="}, {"DryRun", "true"}},
       "SerializationException",
       "Expected a boolean for 'dryRun'."},
      {"bad base64",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "%%%"}},
       "SerializationException",
       "Value at 'plaintext' is not valid base64."},
      {"unpadded base64 is accepted (some SDKs strip the padding)",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AAA"}},
       "",
       ""},
      {"base64 of a length no byte string has",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AAAAA"}},
       "SerializationException",
       "Value at 'plaintext' is not valid base64."},
      {"base64 with leftover bits set",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AAB="}},
       "SerializationException",
       "Value at 'plaintext' is not valid base64."},
      {"number for a blob",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", 5}},
       "SerializationException",
       "Expected a base64 string for 'plaintext'."},
      {"object for a list",
       "TagResource",
       {{"KeyId", "k"}, {"Tags", {{"a", "b"}}}},
       "SerializationException",
       "Expected a JSON array for 'tags'."},
      {"null list element",
       "TagResource",
       {{"KeyId", "k"}, {"Tags", {nullptr}}},
       "SerializationException",
       "Null element in list 'tags'."},
      {"number as a list element",
       "TagResource",
       {{"KeyId", "k"}, {"Tags", {5}}},
       "SerializationException",
       "Expected a JSON object for 'tags.1.member'."},
      {"array for a map",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AA=="}, {"EncryptionContext", json::array()}},
       "SerializationException",
       "Expected a JSON object for 'encryptionContext'."},
      {"number as a map value",
       "Encrypt",
       {{"KeyId", "k"}, {"Plaintext", "AA=="}, {"EncryptionContext", {{"a", 1}}}},
       "SerializationException",
       "Expected string values in map 'encryptionContext'."},
      {"string for a timestamp",
       "ImportKeyMaterial",
       {{"KeyId", "k"},
        {"ImportToken", "AA=="},
        {"EncryptedKeyMaterial", "AA=="},
        {"ValidTo", "2027-01-01T00:00:00Z"}},
       "SerializationException",
       "Expected a timestamp (epoch seconds) for 'validTo'."},
      {"epoch seconds with a fraction are a timestamp",
       "ImportKeyMaterial",
       {{"KeyId", "k"},
        {"ImportToken", "AA=="},
        {"EncryptedKeyMaterial", "AA=="},
        {"ValidTo", 1798761600.5}},
       "",
       ""},
      {"a type error wins over constraint violations found before it",
       "Encrypt",
       {{"KeyId", ""}, {"Plaintext", "%%%"}},
       "SerializationException",
       "Value at 'plaintext' is not valid base64."},
  });
}

TEST_CASE("Validator: sensitive strings are never echoed") {
  Outcome r = Run("CreateCustomKeyStore",
                  json{{"CustomKeyStoreName", "store"}, {"KeyStorePassword", "secret"}});
  CHECK(r.error == "ValidationException");
  CHECK(r.message == kOne +
                         "Value at 'keyStorePassword' failed to satisfy constraint: Member must "
                         "have length greater than or equal to 7");
  CHECK(r.message.find("secret") == std::string::npos);
}

TEST_CASE("Validator: top-level blobs are decoded once and handed over by member name") {
  Outcome enc = Run("Encrypt", json{{"KeyId", "k"}, {"Plaintext", B64("hello")}});
  REQUIRE(enc.error.empty());
  REQUIRE(enc.blobs.size() == 1);
  CHECK(enc.blobs.at("Plaintext") == core::Bytes{'h', 'e', 'l', 'l', 'o'});

  Outcome imp = Run("ImportKeyMaterial", json{{"KeyId", "k"},
                                              {"ImportToken", B64("token")},
                                              {"EncryptedKeyMaterial", B64("material")}});
  REQUIRE(imp.error.empty());
  CHECK(imp.blobs.size() == 2);
  CHECK(imp.blobs.at("ImportToken") == core::Bytes{'t', 'o', 'k', 'e', 'n'});
  CHECK(imp.blobs.at("EncryptedKeyMaterial") ==
        core::Bytes{'m', 'a', 't', 'e', 'r', 'i', 'a', 'l'});

  // A nested blob (Recipient.AttestationDocument) is checked but not handed over.
  Outcome dec = Run("Decrypt", json{{"CiphertextBlob", B64("blob")},
                                    {"Recipient", {{"AttestationDocument", B64("doc")}}}});
  REQUIRE(dec.error.empty());
  CHECK(dec.blobs.size() == 1);
  CHECK(dec.blobs.count("CiphertextBlob") == 1);
  CHECK(Run("Decrypt",
            json{{"CiphertextBlob", B64("blob")}, {"Recipient", {{"AttestationDocument", "%%%"}}}})
            .message == "Value at 'recipient.attestationDocument' is not valid base64.");

  // An empty blob decodes to zero bytes: below every blob minimum of the model.
  CHECK(Run("Decrypt", json{{"CiphertextBlob", ""}}).message ==
        kOne +
            "Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length "
            "greater than or equal to 1");
  CHECK(Run("Decrypt", json{{"CiphertextBlob", B64(std::string(6145, 'c'))}}).message ==
        kOne +
            "Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length "
            "less than or equal to 6144");
}

TEST_CASE("Validator: operations outside the model pass through untouched") {
  CHECK(Validator().HasOperation("CreateKey"));
  CHECK(Validator().HasOperation("RotateKeyOnDemand"));
  CHECK_FALSE(Validator().HasOperation("DoesNotExist"));
  CHECK_FALSE(Validator().HasOperation("createKey"));
  Outcome r = Run("DoesNotExist", json{{"KeyId", 5}});
  CHECK(r.error.empty());
  CHECK(r.blobs.empty());
}

// ---- The model-driven sweep ----------------------------------------------

namespace {

std::string LowerCamel(std::string name) {
  name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  return name;
}

std::string JoinEnum(const json& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return "[" + out + "]";
}

// The message for an input shape in which `member` has the violation
// `violation` and every other member is absent.
std::string Expected(const json& input, const std::string& member, const std::string& violation) {
  std::vector<std::string> parts;
  std::vector<std::string> required = input.value("required", std::vector<std::string>{});
  for (const auto& [name, spec] : input["members"].items()) {  // sorted, as the model is
    if (name == member) {
      parts.push_back(violation);
    } else if (std::find(required.begin(), required.end(), name) != required.end()) {
      parts.push_back("Value null at '" + LowerCamel(name) +
                      "' failed to satisfy constraint: Member must not be null");
    }
  }
  std::string out =
      std::to_string(parts.size()) +
      (parts.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return out;
}

}  // namespace

TEST_CASE("Validator: every top-level constraint of every operation in the botocore model") {
  const json model = json::parse(server::wire::kKmsModelJson);
  const json& shapes = model["shapes"];
  int operations = 0, checked = 0;
  for (auto op_it = model["operations"].begin(); op_it != model["operations"].end(); ++op_it) {
    // Iterators, not structured bindings: clang 14 cannot capture those in lambdas.
    const std::string op = op_it.key();
    const json& spec = op_it.value();
    if (spec["input"].is_null()) continue;
    ++operations;
    REQUIRE(Validator().HasOperation(op));
    const json& input = shapes[spec["input"].get<std::string>()];

    // No body at all: one "must not be null" per required member, or nothing.
    {
      INFO(op << " {}");
      Outcome empty = Run(op, json::object());
      if (input.value("required", json::array()).empty()) {
        CHECK(empty.error.empty());
      } else {
        CHECK(empty.error == "ValidationException");
        CHECK(empty.message == Expected(input, "", ""));
      }
      ++checked;
    }

    for (auto member_it = input["members"].begin(); member_it != input["members"].end();
         ++member_it) {
      const std::string name = member_it.key();
      const json& member = member_it.value();
      const json& shape = shapes[member["shape"].get<std::string>()];
      const std::string type = shape["type"];
      const std::string at = "' at '" + LowerCamel(name) + "' failed to satisfy constraint: ";
      const std::string hidden_at =
          "Value at '" + LowerCamel(name) + "' failed to satisfy constraint: ";
      const bool sensitive = shape.value("sensitive", false);
      auto expect = [&](const json& value, const std::string& violation) {
        INFO(op << "." << name << " = " << value.dump().substr(0, 80));
        Outcome got = Run(op, json{{name, value}});
        CHECK(got.error == "ValidationException");
        CHECK(got.message == Expected(input, name, violation));
        ++checked;
      };
      if (type == "string" && shape.contains("enum")) {
        expect("NOT_A_MODEL_VALUE",
               "Value 'NOT_A_MODEL_VALUE" + at +
                   "Member must satisfy enum value set: " + JoinEnum(shape["enum"]));
      } else if (type == "string") {
        auto shown = [&](const std::string& v) {
          return sensitive ? hidden_at : "Value '" + v + at;
        };
        if (shape.value("min", 0) >= 1) {
          expect("", shown("") + "Member must have length greater than or equal to " +
                         std::to_string(shape["min"].get<int>()));
        }
        if (shape.contains("max")) {
          std::string too_long(shape["max"].get<size_t>() + 1, 'a');
          expect(too_long, shown(too_long) + "Member must have length less than or equal to " +
                               std::to_string(shape["max"].get<int>()));
        }
      } else if (type == "integer" || type == "long") {
        if (shape.contains("min")) {
          int64_t v = shape["min"].get<int64_t>() - 1;
          expect(v, "Value '" + std::to_string(v) + at +
                        "Member must have value greater than or equal to " +
                        std::to_string(shape["min"].get<int64_t>()));
        }
        if (shape.contains("max")) {
          int64_t v = shape["max"].get<int64_t>() + 1;
          expect(v, "Value '" + std::to_string(v) + at +
                        "Member must have value less than or equal to " +
                        std::to_string(shape["max"].get<int64_t>()));
        }
      } else if (type == "blob") {
        if (shape.value("min", 0) >= 1) {
          expect("", hidden_at + "Member must have length greater than or equal to " +
                         std::to_string(shape["min"].get<int>()));
        }
        if (shape.contains("max")) {
          expect(B64(std::string(shape["max"].get<size_t>() + 1, 'b')),
                 hidden_at + "Member must have length less than or equal to " +
                     std::to_string(shape["max"].get<int>()));
        }
      } else if (type == "list" && shape.contains("max")) {
        const json& element = shapes[shape["member"]["shape"].get<std::string>()];
        if (element["type"] != "string" || element.contains("enum")) continue;
        json items = json::array();
        for (int i = 0; i <= shape["max"].get<int>(); ++i) items.push_back("x");
        expect(items, hidden_at + "Member must have length less than or equal to " +
                          std::to_string(shape["max"].get<int>()));
      }
    }
  }
  CHECK(operations == 54);
  CHECK(checked > 150);
}
