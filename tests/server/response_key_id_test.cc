// The one decision of which KeyId form each response member carries
// (server/wire/response_key_id.h): every KeyId-like member of every
// operation Rotor implements has a row, and the rows give AWS's recorded
// forms (/work/shared/AWS-ERRORS.md, "Shapes recorded").
#include "server/wire/response_key_id.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "server/wire/kms_model.h"
#include "server/wire/operation_table.h"

using namespace rotor::server::wire;

namespace {

// The paths of the members named KeyId, SourceKeyId or TargetKeyId in
// `shape`, as the table spells them ("KeyMetadata.KeyId", "Aliases[].TargetKeyId").
void KeyIdPaths(const Shape& shape, const std::string& prefix, std::vector<std::string>& out,
                int depth = 0) {
  if (depth > 16) return;
  if (shape.kind == ShapeKind::kList && shape.element) {
    KeyIdPaths(*shape.element, prefix + "[]", out, depth + 1);
    return;
  }
  for (const ShapeMember& m : shape.members) {
    std::string path = prefix.empty() ? m.name : prefix + "." + m.name;
    if (m.shape->kind == ShapeKind::kString &&
        (m.name == "KeyId" || m.name == "SourceKeyId" || m.name == "TargetKeyId")) {
      out.push_back(path);
    } else {
      KeyIdPaths(*m.shape, path, out, depth + 1);
    }
  }
}

}  // namespace

TEST_CASE("Every KeyId member of every implemented operation's response has a decided form") {
  const KmsModel& model = KmsModel::Embedded();
  size_t checked = 0;
  for (const OperationEntry& op : AllOperations()) {
    const Shape* output = model.Output(op.name);
    if (!output) continue;
    std::vector<std::string> paths;
    KeyIdPaths(*output, "", paths);
    for (const std::string& path : paths) {
      CAPTURE(op.name, path);
      CHECK_NOTHROW(ResponseKeyIdForm(op.name, path));
      ++checked;
    }
  }
  CHECK(checked >= 25);
}

TEST_CASE(
    "The recorded forms: the key ARN, except KeyMetadata.KeyId and ListAliases' TargetKeyId") {
  const std::string arn =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::string id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  for (std::string_view op :
       {"RotateKeyOnDemand", "ImportKeyMaterial", "ScheduleKeyDeletion", "CancelKeyDeletion",
        "GetKeyRotationStatus", "GenerateMac", "VerifyMac", "Sign", "Verify", "GetPublicKey",
        "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "DeriveSharedSecret"}) {
    CAPTURE(op);
    CHECK(ResponseKeyId(op, "KeyId", arn) == arn);
  }
  CHECK(ResponseKeyId("ReEncrypt", "SourceKeyId", arn) == arn);
  CHECK(ResponseKeyId("DescribeKey", "KeyMetadata.KeyId", arn) == id);
  CHECK(ResponseKeyId("CreateKey", "KeyMetadata.KeyId", arn) == id);
  CHECK(ResponseKeyId("ListAliases", "Aliases[].TargetKeyId", arn) == id);
  CHECK(ResponseKeyId("ListKeys", "Keys[].KeyId", arn) == id);
  // A member nobody decided is a programming error, not a guess.
  CHECK_THROWS_AS(ResponseKeyIdForm("Encrypt", "Nope"), std::logic_error);
}
