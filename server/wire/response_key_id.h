// Which form of KeyId each response member carries: the one place that
// decides it. AWS answers some members with the key ARN
// ("arn:aws:kms:<region>:<account>:key/<id>") and others with the bare key id
// ("<id>"), per operation and member; the rows below follow AWS's recorded
// answers (/work/shared/AWS-ERRORS.md, "Shapes recorded") and, where none was
// recorded, the AWS KMS API Reference's examples. docs/aws-kms-behaviour.md
// section 1.7 lists the same decisions. Every handler that writes a response
// member of the model's KeyIdType (KeyId, SourceKeyId, TargetKeyId, and
// KeyMetadata.KeyId) writes it through ResponseKeyId;
// tests/server/response_key_id_test.cc checks that every such member of every
// operation in the operation table has a row.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace rotor::server::wire {

enum class KeyIdForm {
  kKeyArn,    // "arn:aws:kms:us-east-1:111122223333:key/1234abcd-..."
  kBareKeyId  // "1234abcd-..."
};

struct ResponseKeyIdRule {
  // The operation ("RotateKeyOnDemand"), or "" for a member of a shape that
  // several operations return (KeyMetadata).
  std::string_view operation;
  // The member's path in the response: "KeyId", "KeyMetadata.KeyId",
  // "Aliases[].TargetKeyId" (a list's elements are "[]").
  std::string_view member;
  KeyIdForm form;
  // Where the decision comes from: "recorded" (an answer recorded from AWS)
  // or "API reference" (the example of the operation's API reference page).
  std::string_view source;
};

// Every row, for the docs and the tests.
std::span<const ResponseKeyIdRule> ResponseKeyIdRules();

// The form `member` of `operation`'s response takes: the row naming the
// operation, else the row for any operation (""). Throws std::logic_error
// when no row decides it (a handler writing a member nobody decided).
KeyIdForm ResponseKeyIdForm(std::string_view operation, std::string_view member);

// `key_arn` ("arn:...:key/<id>") in the form ResponseKeyIdForm decides: the
// ARN itself or its bare key id (the text after the last '/').
std::string ResponseKeyId(std::string_view operation, std::string_view member,
                          std::string_view key_arn);

}  // namespace rotor::server::wire
