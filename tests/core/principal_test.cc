#include "core/principal.h"

#include <catch2/catch.hpp>

using namespace rotor::core;

TEST_CASE("PrincipalFromArn reads the four forms a caller signs as") {
  auto user = PrincipalFromArn("arn:aws:iam::111122223333:user/dev/alice");
  REQUIRE(user);
  CHECK(user->type == PrincipalType::kIamUser);
  CHECK(ToString(user->type) == "IAMUser");
  CHECK(user->account == "111122223333");
  CHECK(user->name == "alice");
  CHECK(user->principal_arn == user->arn);
  CHECK(user->principal_id.starts_with("AIDA"));
  CHECK(user->principal_id.size() == 21);
  CHECK(PrincipalFromArn("arn:aws:iam::111122223333:user/dev/alice")->principal_id ==
        user->principal_id);  // stable

  auto root = PrincipalFromArn("arn:aws:iam::111122223333:root");
  REQUIRE(root);
  CHECK(ToString(root->type) == "Root");
  CHECK(root->principal_id == "111122223333");
  CHECK(root->name.empty());

  auto role = PrincipalFromArn("arn:aws:iam::111122223333:role/app");
  REQUIRE(role);
  CHECK(ToString(role->type) == "Role");
  CHECK(role->principal_id.starts_with("AROA"));

  auto session = PrincipalFromArn("arn:aws:sts::111122223333:assumed-role/app/run-7");
  REQUIRE(session);
  CHECK(ToString(session->type) == "AssumedRole");
  CHECK(session->arn == "arn:aws:sts::111122223333:assumed-role/app/run-7");
  CHECK(session->principal_arn == "arn:aws:iam::111122223333:role/app");
  CHECK(session->name == "app");
  CHECK(session->principal_id == role->principal_id + ":run-7");
}

TEST_CASE("PrincipalFromArn refuses what is not an IAM principal") {
  for (const char* arn :
       {"", "arn:aws:iam::1111:user/a", "arn:aws:iam::111122223333:user/",
        "arn:aws:kms:us-east-1:111122223333:key/x", "arn:aws:iam::111122223333:group/g",
        "arn:aws:sts::111122223333:assumed-role/app",
        "arn:aws:sts::111122223333:assumed-role/app/a/b", "111122223333"}) {
    INFO(arn);
    CHECK_FALSE(PrincipalFromArn(arn));
  }
}
