#include "core/aws_managed_keys.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <vector>

#include "core/kms_error.h"

namespace rotor::core {
namespace {

// AWS's key policies of its managed keys, as GetKeyPolicy shows them in
// us-east-1, put together from the statements they share. The text is AWS's
// own layout (two-space indent, " : ", one-element lists as a bare value),
// byte for byte; "{account}" and "{region}" are filled in per scope.
using Actions = std::vector<std::string_view>;

// Appends with += only: GCC 12 at -O3 (Release) reports a false -Wstringop-overflow for
// `"\"" + std::string(a)` here, which -Werror turned into a failed Release build.
std::string ActionValue(const Actions& actions) {
  auto quoted = [](std::string& out, std::string_view a) {
    out += '"';
    out += a;
    out += '"';
  };
  std::string out;
  if (actions.size() == 1) {
    quoted(out, actions.front());
    return out;
  }
  out = "[ ";
  for (std::string_view a : actions) {
    if (out.size() > 2) out += ", ";
    quoted(out, a);
  }
  out += " ]";
  return out;
}

// The statement's lines inside its braces, each indented by four spaces.
std::string Statement(std::string_view sid, std::string_view principal, const Actions& actions,
                      std::string_view condition = "") {
  std::string out = "    \"Sid\" : \"" + std::string(sid) +
                    "\",\n"
                    "    \"Effect\" : \"Allow\",\n"
                    "    \"Principal\" : {\n"
                    "      " +
                    std::string(principal) +
                    "\n"
                    "    },\n"
                    "    \"Action\" : " +
                    ActionValue(actions) +
                    ",\n"
                    "    \"Resource\" : \"*\"";
  if (!condition.empty()) out += ",\n    \"Condition\" : {\n" + std::string(condition) + "    }";
  return out + "\n";
}

// Anyone in the account, calling through `service` in the key's Region.
std::string ThroughService(std::string_view sid, const Actions& actions, std::string_view service) {
  return Statement(sid, R"("AWS" : "*")", actions,
                   "      \"StringEquals\" : {\n"
                   "        \"kms:CallerAccount\" : \"{account}\",\n"
                   "        \"kms:ViaService\" : \"" +
                       std::string(service) +
                       ".{region}.amazonaws.com\"\n"
                       "      }\n");
}

// Anyone in the account, calling through `service` in any Region.
std::string ThroughServiceAnyRegion(std::string_view sid, const Actions& actions,
                                    std::string_view service) {
  return Statement(sid, R"("AWS" : "*")", actions,
                   "      \"StringEquals\" : {\n"
                   "        \"kms:CallerAccount\" : \"{account}\"\n"
                   "      },\n"
                   "      \"StringLike\" : {\n"
                   "        \"kms:ViaService\" : \"" +
                       std::string(service) +
                       ".*.amazonaws.com\"\n"
                       "      }\n");
}

// The account itself, directly.
std::string AccountMetadata(const Actions& actions) {
  return Statement("Allow direct access to key metadata to the account",
                   R"("AWS" : "arn:aws:iam::{account}:root")", actions);
}

// The service principal `service`.amazonaws.com, describing the key directly.
std::string ServiceDescribes(std::string_view sid, std::string_view service) {
  return Statement(sid, "\"Service\" : \"" + std::string(service) + ".amazonaws.com\"",
                   {"kms:Describe*", "kms:Get*", "kms:List*"});
}

// The sid of a ThroughService statement for a service AWS names `name` there.
std::string AccessThrough(std::string_view name) {
  return "Allow access through " + std::string(name) + " for all principals in the account " +
         "that are authorized to use " + std::string(name);
}

std::string Policy(std::string_view id, std::initializer_list<std::string> statements) {
  std::string out = "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"" + std::string(id) +
                    "\",\n  \"Statement\" : [ {\n";
  bool first = true;
  for (const std::string& s : statements) {
    if (!first) out += "  }, {\n";
    first = false;
    out += s;
  }
  return out + "  } ]\n}";
}

// AWS's descriptions and key policies of the AWS managed keys behind the
// aliases a new account lists, as DescribeKey and GetKeyPolicy show them in
// us-east-1, ordered by name. Built once, on first use.
const std::array<PredefinedAlias, 14>& Predefined() {
  // Actions AWS services use a managed key for, through the service.
  const Actions kServiceUse = {"kms:Encrypt",          "kms:Decrypt",     "kms:ReEncrypt*",
                               "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"};
  // Actions the account may call on the key directly.
  const Actions kReadMetadata = {"kms:Describe*", "kms:Get*", "kms:List*"};
  const Actions kReadMetadataAndRevoke = {"kms:Describe*", "kms:Get*", "kms:List*",
                                          "kms:RevokeGrant"};
  static const std::array<PredefinedAlias, 14> table{
      PredefinedAlias{
          "alias/aws/acm",
          "Default key that protects my ACM private keys when no other key is defined",
          Policy("auto-acm-4", {Statement("Allow creation of decryption grants", R"("AWS" : "*")",
                                          {"kms:CreateGrant"}, R"json(      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "acm.{region}.amazonaws.com"
      },
      "ForAllValues:StringEquals" : {
        "kms:GrantOperations" : "Decrypt"
      },
      "Bool" : {
        "kms:GrantIsForAWSResource" : "true"
      }
)json"),
                                Statement("Allow creation of encryption grant", R"("AWS" : "*")",
                                          {"kms:CreateGrant"}, R"json(      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "acm.{region}.amazonaws.com"
      },
      "ForAllValues:StringEquals" : {
        "kms:GrantOperations" : [ "Encrypt", "ReEncryptFrom", "ReEncryptTo" ]
      },
      "Bool" : {
        "kms:GrantIsForAWSResource" : "true"
      }
)json"),
                                Statement("Allowed operations for the key owner", R"("AWS" : "*")",
                                          {"kms:DescribeKey", "kms:ListGrants", "kms:RevokeGrant",
                                           "kms:GetKeyPolicy"},
                                          R"json(      "StringEquals" : {
        "kms:CallerAccount" : "{account}"
      }
)json"),
                                R"json(    "Sid" : "Deny re-encryption to any other key",
    "Effect" : "Deny",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : "kms:ReEncrypt*",
    "Resource" : "*",
    "Condition" : {
      "Bool" : {
        "kms:ReEncryptOnSameKey" : "false"
      }
    }
)json",
                                ThroughService("Allow decrypt", {"kms:Decrypt"}, "acm")})},
      PredefinedAlias{
          "alias/aws/dynamodb",
          "Default key that protects my DynamoDB data when no other key is defined",
          Policy(
              "auto-dynamodb-3",
              {ThroughServiceAnyRegion(AccessThrough("Amazon DynamoDB"), kServiceUse, "dynamodb"),
               AccountMetadata(kReadMetadataAndRevoke),
               ServiceDescribes("Allow DynamoDB to directly describe the key", "dynamodb")})},
      PredefinedAlias{
          "alias/aws/ebs", "Default key that protects my EBS volumes when no other key is defined",
          Policy("auto-ebs-2", {ThroughService(AccessThrough("EBS"), kServiceUse, "ec2"),
                                AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{
          "alias/aws/elasticfilesystem",
          "Default key that protects my EFS filesystems when no other key is defined",
          Policy("auto-elasticfilesystem-1",
                 {ThroughService("Allow access to EFS for all principals in the account that are "
                                 "authorized to use EFS",
                                 kServiceUse, "elasticfilesystem"),
                  AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{
          "alias/aws/es",
          "Default key that protects my Elasticsearch data when no other key is defined",
          Policy("auto-es-2",
                 {ThroughService(AccessThrough("OpenSearch Service"), kServiceUse, "es"),
                  AccountMetadata(kReadMetadataAndRevoke),
                  ServiceDescribes(
                      "Allow OpenSearch service principals to describe the key directly", "es")})},
      PredefinedAlias{
          "alias/aws/glue", "Default key that protects my Glue data when no other key is defined",
          Policy("auto-glue-1", {ThroughService(AccessThrough("Glue"), kServiceUse, "glue"),
                                 AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{
          "alias/aws/kinesisvideo",
          "Default key that protects my kinesis video data when no other key is defined",
          Policy("auto-kinesisvideo-1", {ThroughService(AccessThrough("Kinesis Video Streams"),
                                                        kServiceUse, "kinesisvideo"),
                                         AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{"alias/aws/lambda",
                      "Default key that protects my Lambda functions when no other key is defined",
                      Policy("auto-awslambda",
                             {ThroughService(AccessThrough("AWS Lambda"), kServiceUse, "lambda"),
                              AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{
          "alias/aws/rds",
          "Default key that protects my RDS database volumes when no other key is defined",
          Policy("auto-rds-2", {ThroughService(AccessThrough("RDS"),
                                               {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                                "kms:GenerateDataKey*", "kms:CreateGrant",
                                                "kms:ListGrants", "kms:DescribeKey"},
                                               "rds"),
                                AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{"alias/aws/redshift",
                      "Default key that protects my Redshift data when no other key is defined",
                      Policy("auto-redshift-3",
                             {ThroughService(AccessThrough("RedShift"), kServiceUse, "redshift"),
                              ThroughService(AccessThrough("RedShift-Serverless"), kServiceUse,
                                             "redshift-serverless"),
                              AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{
          "alias/aws/s3", "Default key that protects my S3 objects when no other key is defined",
          Policy("auto-s3-2", {ThroughService(AccessThrough("S3"),
                                              {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                               "kms:GenerateDataKey*", "kms:DescribeKey"},
                                              "s3"),
                               AccountMetadata(kReadMetadata)})},
      PredefinedAlias{
          "alias/aws/secretsmanager",
          "Default key that protects my Secrets Manager data when no other key is defined",
          Policy("auto-secretsmanager-2",
                 {ThroughService(AccessThrough("AWS Secrets Manager"),
                                 {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant",
                                  "kms:DescribeKey"},
                                 "secretsmanager"),
                  ThroughServiceAnyRegion(AccessThrough("AWS Secrets Manager"),
                                          {"kms:GenerateDataKey*"}, "secretsmanager"),
                  AccountMetadata(kReadMetadataAndRevoke)})},
      PredefinedAlias{
          "alias/aws/ssm",
          "Default key that protects my SSM parameters when no other key is defined",
          Policy("auto-ssm-1", {ThroughService(AccessThrough("SSM"),
                                               {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                                "kms:GenerateDataKey*", "kms:DescribeKey"},
                                               "ssm"),
                                AccountMetadata(kReadMetadata)})},
      PredefinedAlias{
          "alias/aws/xray", "Default key that protects my X-Ray data when no other key is defined",
          Policy("auto-xray-1", {ThroughService(AccessThrough("X-Ray"), kServiceUse, "xray"),
                                 AccountMetadata(kReadMetadataAndRevoke),
                                 ServiceDescribes("Allow X-Ray Service with service principal name "
                                                  "xray.amazonaws.com to describe the key directly",
                                                  "xray")})},
  };
  return table;
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::span<const PredefinedAlias> PredefinedAliases() { return Predefined(); }

const PredefinedAlias* FindPredefinedAlias(std::string_view alias_name) {
  const auto& table = Predefined();
  auto it = std::find_if(table.begin(), table.end(),
                         [&](const PredefinedAlias& a) { return a.name == alias_name; });
  return it == table.end() ? nullptr : &*it;
}

std::string AwsManagedKeyPolicy(const PredefinedAlias& alias, const Scope& scope) {
  std::string policy = ReplaceAll(std::string(alias.policy_template), "{account}", scope.account);
  return ReplaceAll(std::move(policy), "{region}", scope.region);
}

Key NewAwsManagedKey(const PredefinedAlias& alias, const Scope& scope, std::string key_id,
                     Timestamp now, const JitterModel& jitter) {
  Key key;
  key.scope = scope;
  key.id = std::move(key_id);
  key.creation_date = now;
  key.description = std::string(alias.description);
  key.manager = KeyManager::kAws;
  key.policy = AwsManagedKeyPolicy(alias, scope);
  EnableRotation(key.rotation, key.id, kAwsManagedRotationPeriodDays, now, jitter);
  return key;
}

void RequireCustomerManaged(const Key& key, std::string_view operation) {
  if (key.manager != KeyManager::kAws) return;
  throw KmsError::NotAuthorized(key.scope.account, operation, key.Arn());
}

}  // namespace rotor::core
