// Every enum value the botocore model (server/wire/kms_model.json) allows for a
// request member of an operation Rotor implements converts to core's C++ enum
// at the wire (fields::OptEnum / fields::Enum in server/wire/fields.h).
//
// The sweep sends each value, in an otherwise minimal valid request, through
// the real router and operation handler. The validator accepts every model
// value, so a value core's enum lacks would reach the handler's conversion and
// come back as a 500 KMSInternalException: a model update that adds a value
// fails this test instead of a user's request.
//
// A second test holds each ToString/Parse pair of core against the model's
// enum shape of the same concept, both ways.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/key_sealer.h"
#include "core/key_wrap.h"
#include "core/kms_error.h"
#include "core/kms_requests.h"
#include "server/wire/fields.h"
#include "server/wire/operation_table.h"
#include "server/wire/request_validator.h"
#include "server/wire/router.h"
#include "storage/memory_key_repository.h"

namespace rotor::server::wire {
extern const std::string_view kKmsModelJson;  // the embedded botocore model
}

using namespace rotor;
using nlohmann::json;

namespace {

struct RouterFixture {
  RouterFixture()
      : sealer(random.Secret(32), random),
        service(repo, sealer, random, core::ServiceConfig{}),
        router(service, clock, {}) {}

  server::http::HttpResponse Call(const std::string& op, const json& body) {
    server::http::HttpRequest req{server::http::verb::post, "/", 11};
    req.set("X-Amz-Target", "TrentService." + op);
    req.set("Content-Type", "application/x-amz-json-1.1");
    req.body() = body.dump();
    req.prepare_payload();
    return router.Handle(req, {"127.0.0.1", true});
  }

  core::SeededRandom random{5};
  core::VirtualClock clock{*core::ParseIso8601("2026-01-01T00:00:00Z")};
  rotor::storage::MemoryKeyRepository repo;
  core::KeySealer sealer;
  core::KmsService service;
  server::wire::Router router;
};

// A value of `shape` that satisfies its model constraints (enum, length, range).
json Placeholder(const json& shapes, const json& shape) {
  const std::string type = shape["type"];
  if (type == "string") {
    if (shape.contains("enum")) return shape["enum"][0];
    return std::string(std::max<size_t>(shape.value("min", 1), 1), 'a');
  }
  if (type == "blob") {
    std::string bytes(std::max<size_t>(shape.value("min", 1), 1), 'a');
    return core::Base64Encode(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  if (type == "integer" || type == "long") return shape.value("min", 1);
  if (type == "boolean") return false;
  if (type == "timestamp") return 0;
  if (type == "list") return json::array();
  if (type == "map") return json::object();
  json out = json::object();  // structure: its own required members
  for (const auto& name : shape.value("required", std::vector<std::string>{})) {
    out[name] = Placeholder(shapes, shapes[shape["members"][name]["shape"].get<std::string>()]);
  }
  return out;
}

}  // namespace

TEST_CASE("Every enum value of the model converts to core's enum at the wire") {
  const json model = json::parse(server::wire::kKmsModelJson);
  const json& shapes = model["shapes"];
  const server::wire::RequestValidator validator;
  RouterFixture f;
  std::set<std::string> enum_shapes;
  int members = 0, values = 0;
  for (const server::wire::OperationEntry& entry : server::wire::AllOperations()) {
    const std::string op(entry.name);
    REQUIRE(model["operations"].contains(op));
    const json& input = shapes[model["operations"][op]["input"].get<std::string>()];
    json minimal = json::object();
    for (const auto& name : input.value("required", std::vector<std::string>{})) {
      minimal[name] =
          Placeholder(shapes, shapes[input["members"][name]["shape"].get<std::string>()]);
    }
    for (auto it = input["members"].begin(); it != input["members"].end(); ++it) {
      const std::string member = it.key();
      const std::string shape_name = it.value()["shape"];
      const json& shape = shapes[shape_name];
      if (!shape.contains("enum")) continue;
      ++members;
      enum_shapes.insert(shape_name);
      for (const json& value : shape["enum"]) {
        json body = minimal;
        body[member] = value;
        INFO(op << " " << member << " = " << value.get<std::string>() << ": " << body.dump());
        // The request is valid, so the handler runs and converts the member...
        CHECK_NOTHROW(validator.Validate(op, body));
        server::http::HttpResponse res = f.Call(op, body);
        const std::string type = res.result_int() == 200 ? "" : json::parse(res.body())["__type"];
        INFO("answer " << res.result_int() << " " << res.body());
        // ...and core has a value of that name: whatever the answer (a key
        // "a" does not exist), it is never an internal error.
        CHECK(res.result_int() != 500);
        CHECK(type != "KMSInternalException");
        CHECK(type != "SerializationException");
        ++values;
      }
    }
  }
  // The enum shapes the operations Rotor implements read today; a model with
  // fewer would mean this sweep stopped looking.
  for (const char* shape :
       {"KeySpec", "CustomerMasterKeySpec", "KeyUsageType", "OriginType", "EncryptionAlgorithmSpec",
        "SigningAlgorithmSpec", "MessageType", "MacAlgorithmSpec", "KeyAgreementAlgorithmSpec",
        "DataKeySpec", "DataKeyPairSpec", "AlgorithmSpec", "WrappingKeySpec", "ExpirationModelType",
        "ImportType", "IncludeKeyMaterial"}) {
    CHECK(enum_shapes.count(shape) == 1);
  }
  CHECK(members >= 24);
  CHECK(values >= 100);
}

namespace {

// Every value of core's enum E, in declaration order. Core's enums crossing
// the wire are plain `enum class` lists (0, 1, 2, ...), each value named in its
// ToString table, so the walk stops at the first integer without a name.
template <typename E>
std::vector<E> AllValues() {
  std::vector<E> out;
  for (int i = 0; i < 64 && !core::ToString(static_cast<E>(i)).empty(); ++i) {
    out.push_back(static_cast<E>(i));
  }
  return out;
}

// The model's enum shape `shape` and core's enum E name the same values:
// every model value parses and prints back unchanged (what the wire reads), and
// every name core prints is one the model allows (what the wire writes).
template <typename E>
void CheckSameNames(const json& shapes, const std::string& shape) {
  INFO("shape " << shape);
  REQUIRE(shapes.contains(shape));
  std::set<std::string> model_values;
  for (const json& value : shapes[shape]["enum"]) {
    const std::string name = value.get<std::string>();
    model_values.insert(name);
    INFO("model value " << name);
    std::optional<E> parsed = core::Parse<E>(name);
    REQUIRE(parsed);
    CHECK(core::ToString(*parsed) == name);
  }
  const std::vector<E> values = AllValues<E>();
  CHECK(!values.empty());
  for (E v : values) {
    INFO("core's name " << core::ToString(v));
    CHECK(model_values.count(std::string(core::ToString(v))) == 1);
  }
  CHECK(!core::Parse<E>("").has_value());
  CHECK(!core::Parse<E>("not-a-value").has_value());
}

}  // namespace

TEST_CASE("Core's enums and the model's enum shapes name the same values") {
  const json model = json::parse(server::wire::kKmsModelJson);
  const json& shapes = model["shapes"];
  // Request members (the wire reads them) and the members results echo.
  CheckSameNames<core::KeySpec>(shapes, "KeySpec");
  CheckSameNames<core::KeyUsage>(shapes, "KeyUsageType");
  CheckSameNames<core::Origin>(shapes, "OriginType");
  CheckSameNames<core::EncryptionAlgorithm>(shapes, "EncryptionAlgorithmSpec");
  CheckSameNames<core::SigningAlgorithm>(shapes, "SigningAlgorithmSpec");
  CheckSameNames<core::MacAlgorithm>(shapes, "MacAlgorithmSpec");
  CheckSameNames<core::KeyAgreementAlgorithm>(shapes, "KeyAgreementAlgorithmSpec");
  CheckSameNames<core::DataKeySpec>(shapes, "DataKeySpec");
  CheckSameNames<core::MessageType>(shapes, "MessageType");
  CheckSameNames<core::WrappingAlgorithm>(shapes, "AlgorithmSpec");
  CheckSameNames<core::ExpirationModel>(shapes, "ExpirationModelType");
  CheckSameNames<core::ImportType>(shapes, "ImportType");
  CheckSameNames<core::IncludeKeyMaterial>(shapes, "IncludeKeyMaterial");
  CheckSameNames<core::KeyState>(shapes, "KeyState");
  CheckSameNames<core::GrantOperation>(shapes, "GrantOperation");
  CheckSameNames<core::KeyManager>(shapes, "KeyManagerType");
  CheckSameNames<core::MultiRegionKeyType>(shapes, "MultiRegionKeyType");
  CheckSameNames<core::RotationType>(shapes, "RotationType");
  CheckSameNames<core::ImportState>(shapes, "ImportState");
  // The shapes whose values are a subset of KeySpec's names.
  for (const char* shape : {"CustomerMasterKeySpec", "DataKeyPairSpec", "WrappingKeySpec"}) {
    INFO("shape " << shape);
    for (const json& value : shapes[shape]["enum"]) {
      std::optional<core::KeySpec> spec = core::Parse<core::KeySpec>(value.get<std::string>());
      REQUIRE(spec);
      CHECK(core::ToString(*spec) == value.get<std::string>());
    }
  }
  // KeyMaterialState: the model also lists PENDING_MULTI_REGION_IMPORT_AND_ROTATION,
  // a state of multi-Region keys Rotor does not have yet; core's names are the model's.
  for (core::KeyMaterialState v : AllValues<core::KeyMaterialState>()) {
    bool found = false;
    for (const json& value : shapes["KeyMaterialState"]["enum"]) {
      found = found || value.get<std::string>() == core::ToString(v);
    }
    CHECK(found);
  }
}

TEST_CASE("An enum value core lacks is an internal error at the wire, never a default") {
  // What a model update that adds a value would cause if the sweep above did
  // not run: the request passed validation, and the conversion refuses loudly.
  const json body = {{"KeySpec", "AES_512"}};
  try {
    (void)server::wire::fields::OptEnum<core::DataKeySpec>(body, "KeySpec");
    FAIL("no error");
  } catch (const core::KmsError& e) {
    CHECK(e.code() == core::ErrorCode::kKmsInternal);
    CHECK(e.message().find("KeySpec") != std::string::npos);
    CHECK(e.message().find("AES_512") != std::string::npos);
  }
  CHECK(!server::wire::fields::OptEnum<core::DataKeySpec>(json::object(), "KeySpec"));
  CHECK(server::wire::fields::Enum<core::DataKeySpec>(json{{"KeySpec", "AES_128"}}, "KeySpec") ==
        core::DataKeySpec::kAes128);
  try {
    (void)server::wire::fields::Enum<core::DataKeySpec>(json::object(), "KeySpec");
    FAIL("no error");
  } catch (const core::KmsError& e) {
    CHECK(e.code() == core::ErrorCode::kKmsInternal);
  }
}
