// The key-state rules (core/key_state_rules.*) on their own: every key state
// against every operation class, with the AWS error name and message each
// refusal carries. The messages are AWS's recorded answers ("<key-arn> is
// disabled.", "<key-arn> is pending deletion.", "<key-arn> is pending
// import.") and the "Key states: effect on your KMS key" table of the AWS KMS
// Developer Guide (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html)
// for the states no recording covers; docs/aws-kms-behaviour.md section 2 has
// the table.
#include "core/key_state_rules.h"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/kms_error.h"

using namespace rotor::core;

namespace {

constexpr KeyState kAllStates[] = {
    KeyState::kCreating,        KeyState::kEnabled,       KeyState::kDisabled,
    KeyState::kPendingDeletion, KeyState::kPendingImport, KeyState::kPendingReplicaDeletion,
    KeyState::kUnavailable,     KeyState::kUpdating,
};

constexpr StateRule kAllRules[] = {
    StateRule::kAny,
    StateRule::kCryptographic,
    StateRule::kManagement,
    StateRule::kEnableDisable,
    StateRule::kRotation,
    StateRule::kPendingDeletionOnly,
    StateRule::kRotationSettings,
};

const char* RuleName(StateRule rule) {
  switch (rule) {
    case StateRule::kAny:
      return "kAny";
    case StateRule::kCryptographic:
      return "kCryptographic";
    case StateRule::kManagement:
      return "kManagement";
    case StateRule::kEnableDisable:
      return "kEnableDisable";
    case StateRule::kRotation:
      return "kRotation";
    case StateRule::kPendingDeletionOnly:
      return "kPendingDeletionOnly";
    case StateRule::kRotationSettings:
      return "kRotationSettings";
    case StateRule::kRotationStatus:
      return "kRotationStatus";
  }
  return "?";
}

Key KeyIn(KeyState state) {
  Key key;
  key.scope = {"111122223333", "us-east-1"};
  key.id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  key.state = state;
  return key;
}

const std::string kArn =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

// What RequireState did: nullopt when it accepted the key, else the error.
struct Refusal {
  std::string name;
  std::string message;
  int status;
  bool operator==(const Refusal&) const = default;
};

std::optional<Refusal> Check(KeyState state, StateRule rule) {
  try {
    RequireState(KeyIn(state), rule);
  } catch (const KmsError& e) {
    return Refusal{std::string(e.name()), e.message(), HttpStatus(e.code())};
  }
  return std::nullopt;
}

Refusal Disabled() { return {"DisabledException", kArn + " is disabled.", 400}; }
Refusal InvalidState(const std::string& phrase) {
  return {"KMSInvalidStateException", kArn + " is " + phrase + ".", 400};
}

}  // namespace

TEST_CASE("StatePhrase names each key state as AWS messages do") {
  CHECK(StatePhrase(KeyState::kCreating) == "creating");
  CHECK(StatePhrase(KeyState::kEnabled) == "enabled");
  CHECK(StatePhrase(KeyState::kDisabled) == "disabled");
  CHECK(StatePhrase(KeyState::kPendingDeletion) == "pending deletion");
  CHECK(StatePhrase(KeyState::kPendingImport) == "pending import");
  CHECK(StatePhrase(KeyState::kPendingReplicaDeletion) == "pending replica deletion");
  CHECK(StatePhrase(KeyState::kUnavailable) == "unavailable");
  CHECK(StatePhrase(KeyState::kUpdating) == "updating");
}

TEST_CASE("Every key state against every operation class") {
  // Expected outcome per (rule, state); a missing entry means "accepted".
  std::map<std::pair<StateRule, KeyState>, Refusal> refused;

  // kAny (DescribeKey, GetKeyPolicy, ListResourceTags...): nothing is refused.

  // kCryptographic (Encrypt, Decrypt, GenerateDataKey*, Sign, GenerateMac...):
  // Enabled only; Disabled is DisabledException, the rest KMSInvalidStateException.
  for (StateRule rule :
       {StateRule::kCryptographic, StateRule::kRotation, StateRule::kRotationSettings}) {
    // kRotation (RotateKeyOnDemand) and kRotationSettings (Enable/DisableKeyRotation)
    // are the same, but for a key pending import (below).
    refused[{rule, KeyState::kCreating}] = InvalidState("creating");
    refused[{rule, KeyState::kDisabled}] = Disabled();
    refused[{rule, KeyState::kPendingDeletion}] = InvalidState("pending deletion");
    refused[{rule, KeyState::kPendingImport}] = InvalidState("pending import");
    refused[{rule, KeyState::kPendingReplicaDeletion}] = InvalidState("pending replica deletion");
    refused[{rule, KeyState::kUnavailable}] = InvalidState("unavailable");
    refused[{rule, KeyState::kUpdating}] = InvalidState("updating");
  }

  // kRotationSettings: a key pending import is the key-state table's [6].
  refused[{StateRule::kRotationSettings, KeyState::kPendingImport}] = {
      "UnsupportedOperationException",
      kArn + " origin is EXTERNAL which is not valid for this operation.", 400};

  // kManagement (TagResource, UpdateKeyDescription, CreateAlias, ScheduleKeyDeletion,
  // GetParametersForImport...): everything but a key on its way out.
  refused[{StateRule::kManagement, KeyState::kPendingDeletion}] = InvalidState("pending deletion");
  refused[{StateRule::kManagement, KeyState::kPendingReplicaDeletion}] =
      InvalidState("pending replica deletion");

  // kEnableDisable (EnableKey, DisableKey): Enabled or Disabled; a disabled key
  // is never DisabledException here.
  for (KeyState s : kAllStates) {
    if (s != KeyState::kEnabled && s != KeyState::kDisabled)
      refused[{StateRule::kEnableDisable, s}] = InvalidState(std::string(StatePhrase(s)));
  }

  // kPendingDeletionOnly (CancelKeyDeletion): PendingDeletion, or a multi-Region
  // primary waiting for its replicas' deletion; one message for every other state.
  for (KeyState s : kAllStates) {
    if (s != KeyState::kPendingDeletion && s != KeyState::kPendingReplicaDeletion)
      refused[{StateRule::kPendingDeletionOnly, s}] = InvalidState("not pending deletion");
  }

  int accepted = 0;
  for (StateRule rule : kAllRules) {
    for (KeyState state : kAllStates) {
      INFO(RuleName(rule) << " x " << ToString(state));
      auto it = refused.find({rule, state});
      std::optional<Refusal> got = Check(state, rule);
      if (it == refused.end()) {
        CHECK_FALSE(got.has_value());
        if (!got) ++accepted;
      } else {
        REQUIRE(got.has_value());
        CHECK(got->name == it->second.name);
        CHECK(got->message == it->second.message);
        CHECK(got->status == it->second.status);
      }
    }
  }
  // 8 (kAny) + 1 + 1 + 1 (kRotationSettings) + 6 (kManagement) + 2 (kEnableDisable) + 2
  // (kPendingDeletionOnly).
  CHECK(accepted == 21);
}

TEST_CASE("GetKeyRotationStatus refuses only a key pending import, the key-state table's [6]") {
  const Refusal origin_not_valid{
      "UnsupportedOperationException",
      kArn + " origin is EXTERNAL which is not valid for this operation.", 400};
  for (KeyState state : kAllStates) {
    INFO(ToString(state));
    std::optional<Refusal> got = Check(state, StateRule::kRotationStatus);
    if (state == KeyState::kPendingImport) {
      REQUIRE(got.has_value());
      CHECK(*got == origin_not_valid);
    } else {
      CHECK_FALSE(got.has_value());
    }
  }
}

TEST_CASE("The recorded AWS texts for state errors, word for word") {
  // AWS's recorded answers: DisabledException "<key-arn> is disabled.",
  // KMSInvalidStateException "<key-arn> is pending import." and
  // "<key-arn> is pending deletion.".
  CHECK(Check(KeyState::kDisabled, StateRule::kCryptographic) ==
        Refusal{"DisabledException",
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab "
                "is disabled.",
                400});
  CHECK(Check(KeyState::kPendingImport, StateRule::kCryptographic) ==
        Refusal{"KMSInvalidStateException",
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab "
                "is pending import.",
                400});
  CHECK(Check(KeyState::kPendingDeletion, StateRule::kManagement) ==
        Refusal{"KMSInvalidStateException",
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab "
                "is pending deletion.",
                400});
}

TEST_CASE("State errors name the key by the ARN of its own account and region") {
  Key key = KeyIn(KeyState::kDisabled);
  key.scope = {"123456789012", "eu-west-3"};
  key.id = "0000aaaa-1111-2222-3333-444455556666";
  try {
    RequireState(key, StateRule::kRotation);
    FAIL("a disabled key was accepted for rotation");
  } catch (const KmsError& e) {
    CHECK(e.code() == ErrorCode::kDisabled);
    CHECK(e.message() ==
          "arn:aws:kms:eu-west-3:123456789012:key/0000aaaa-1111-2222-3333-444455556666 is "
          "disabled.");
  }
}

TEST_CASE("RequireUsage refuses every other key usage with AWS's InvalidKeyUsageException text") {
  constexpr KeyUsage kUsages[] = {KeyUsage::kEncryptDecrypt, KeyUsage::kSignVerify,
                                  KeyUsage::kGenerateVerifyMac, KeyUsage::kKeyAgreement};
  for (KeyUsage have : kUsages) {
    for (KeyUsage want : kUsages) {
      Key key = KeyIn(KeyState::kEnabled);
      key.usage = have;
      INFO(ToString(have) << " asked for " << ToString(want));
      if (have == want) {
        CHECK_NOTHROW(RequireUsage(key, want, "Sign"));
        continue;
      }
      try {
        RequireUsage(key, want, "Sign");
        FAIL("a key of another usage was accepted");
      } catch (const KmsError& e) {
        CHECK(e.name() == "InvalidKeyUsageException");
        CHECK(HttpStatus(e.code()) == 400);
        CHECK(e.message() == kArn + " key usage is " + std::string(ToString(have)) +
                                 " which is not valid for Sign.");
      }
    }
  }
  // The recorded answers, verbatim.
  Key sign = KeyIn(KeyState::kEnabled);
  sign.usage = KeyUsage::kSignVerify;
  try {
    RequireUsage(sign, KeyUsage::kEncryptDecrypt, "Encrypt");
    FAIL("a SIGN_VERIFY key was accepted for Encrypt");
  } catch (const KmsError& e) {
    CHECK(e.message() == kArn + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
  }
  Key mac = KeyIn(KeyState::kEnabled);
  mac.usage = KeyUsage::kGenerateVerifyMac;
  try {
    RequireUsage(mac, KeyUsage::kSignVerify, "Sign");
    FAIL("a GENERATE_VERIFY_MAC key was accepted for Sign");
  } catch (const KmsError& e) {
    CHECK(e.message() == kArn + " key usage is GENERATE_VERIFY_MAC which is not valid for Sign.");
  }
}

TEST_CASE("The state check does not look at usage, and the usage check does not look at state") {
  // A disabled SIGN_VERIFY key: the state rule answers DisabledException whatever
  // the usage, and the usage rule answers for usage even though the key is disabled.
  Key key = KeyIn(KeyState::kDisabled);
  key.usage = KeyUsage::kSignVerify;
  CHECK_THROWS_MATCHES(RequireState(key, StateRule::kCryptographic), KmsError,
                       Catch::Predicate<KmsError>(
                           [](const KmsError& e) { return e.code() == ErrorCode::kDisabled; }));
  CHECK_THROWS_MATCHES(RequireUsage(key, KeyUsage::kEncryptDecrypt, "Encrypt"), KmsError,
                       Catch::Predicate<KmsError>([](const KmsError& e) {
                         return e.code() == ErrorCode::kInvalidKeyUsage;
                       }));
  CHECK_NOTHROW(RequireUsage(key, KeyUsage::kSignVerify, "Sign"));
}
