// Strict mode's enforcement in KmsService (kms_service_access.cc): every
// operation authorised once its key is resolved, by the key policy, the
// caller's identity policy and the key's grants (grant matching with the
// request's encryption context), before the key's state; operations without a
// key by the identity policy alone; another account's key only by its ARN.
#include <catch2/catch.hpp>

#include "core/access_request.h"
#include "core/key_policy.h"
#include "core/key_policy_decision.h"
#include "service_fixture.h"

namespace rotor::core::testing {
namespace {

constexpr std::string_view kOther = "444455556666";

Principal MakePrincipal(const std::string& arn, const char* identity_policy = nullptr) {
  Principal p = *PrincipalFromArn(arn);
  p.access_key_id = "AKID" + p.name;
  if (identity_policy != nullptr) {
    p.identity_policy = identity_policy;
    p.compiled_identity_policy = CompilePolicy(identity_policy, PolicyKind::kIdentityPolicy);
  }
  return p;
}

// A strict-mode request of `principal` for `operation` ("Encrypt"), as the
// router builds it: the operation's actions, the cross-account rule.
struct StrictCall {
  StrictCall(ServiceFixture& f, const Principal& principal, std::string_view operation,
             std::string_view action, bool cross_account = false,
             std::string_view second_action = {}) {
    access.actions = {action, second_action};
    access.cross_account = cross_account;
    ctx = f.Ctx({principal.account, "us-east-1"});
    ctx.operation = operation;
    ctx.principal = &principal;
    ctx.access = &access;
  }
  AccessRequest access;
  RequestContext ctx;
};

std::string Denied(std::string_view caller, std::string_view action, std::string_view arn,
                   std::string_view why) {
  return "User: " + std::string(caller) + " is not authorized to perform: " + std::string(action) +
         " on resource: " + std::string(arn) + std::string(why);
}

EncryptRequest EncryptOf(const std::string& key_id, EncryptionContext context = {}) {
  EncryptRequest req;
  req.key_id = key_id;
  req.plaintext = SecretBytes(reinterpret_cast<const uint8_t*>("data"), 4);
  req.context = std::move(context);
  return req;
}

}  // namespace

TEST_CASE("Strict mode: the default key policy delegates to identity policies") {
  ServiceFixture f;
  Key key = f.NewKey();
  Principal admin = MakePrincipal("arn:aws:iam::111122223333:user/admin");
  Principal app = MakePrincipal(
      "arn:aws:sts::111122223333:assumed-role/app/web",
      R"({"Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"*"},
                       {"Effect":"Deny","Action":"kms:DisableKey","Resource":"*"}]})");
  // No identity policy: full IAM permissions in its own account.
  f.service.Encrypt(StrictCall(f, admin, "Encrypt", "kms:Encrypt").ctx, EncryptOf(key.id));
  Bytes blob =
      f.service.Encrypt(StrictCall(f, app, "Encrypt", "kms:Encrypt").ctx, EncryptOf(key.id))
          .ciphertext;
  DecryptRequest dec;
  dec.ciphertext = blob;
  CHECK(MessageOf([&] {
          f.service.Decrypt(StrictCall(f, app, "Decrypt", "kms:Decrypt").ctx, dec);
        }) == Denied(app.arn, "kms:Decrypt", key.Arn(),
                     " because no identity-based policy allows the kms:Decrypt action"));
  CHECK(MessageOf([&] {
          f.service.DisableKey(StrictCall(f, app, "DisableKey", "kms:DisableKey").ctx, key.id);
        }) == Denied(app.arn, "kms:DisableKey", key.Arn(),
                     " with an explicit deny in an identity-based policy"));
  // Without a key: the identity policy alone, on resource "*".
  CHECK(MessageOf([&] {
          f.service.ListKeys(StrictCall(f, app, "ListKeys", "kms:ListKeys").ctx, Page{});
        }) == Denied(app.arn, "kms:ListKeys", "*",
                     " because no identity-based policy allows the kms:ListKeys action"));
  f.service.ListKeys(StrictCall(f, admin, "ListKeys", "kms:ListKeys").ctx, Page{});
  // Open mode (no principal) is not authorised at all.
  f.service.Decrypt(f.CtxFor("Decrypt"), dec);
}

TEST_CASE("Strict mode: authorisation comes after the key is found and before its state") {
  ServiceFixture f;
  Key key = f.NewKey();
  Principal app = MakePrincipal("arn:aws:iam::111122223333:role/app", R"({"Statement":[]})");
  f.service.DisableKey(f.CtxFor("DisableKey"), key.id);
  CHECK(ErrorOf([&] {
          f.service.Encrypt(StrictCall(f, app, "Encrypt", "kms:Encrypt").ctx, EncryptOf(key.id));
        }) == "AccessDeniedException");
  Principal admin = MakePrincipal("arn:aws:iam::111122223333:user/admin");
  CHECK(ErrorOf([&] {
          f.service.Encrypt(StrictCall(f, admin, "Encrypt", "kms:Encrypt").ctx, EncryptOf(key.id));
        }) == "DisabledException");
  CHECK(ErrorOf([&] {
          f.service.Encrypt(StrictCall(f, app, "Encrypt", "kms:Encrypt").ctx,
                            EncryptOf("11111111-2222-3333-4444-555555555555"));
        }) == "NotFoundException");
}

TEST_CASE("Strict mode: grants match their grantee, operation and encryption context") {
  ServiceFixture f;
  Key key = f.NewKey();
  Principal batch = MakePrincipal("arn:aws:sts::111122223333:assumed-role/batch/nightly",
                                  R"({"Statement":[]})");  // no IAM permission at all
  CreateGrantRequest grant;
  grant.key_id = key.id;
  grant.grantee_principal = "arn:aws:iam::111122223333:role/batch";
  grant.retiring_principal = "arn:aws:iam::111122223333:user/ops";
  grant.operations = {GrantOperation::kEncrypt, GrantOperation::kDecrypt};
  grant.constraints = GrantConstraints{EncryptionContext{{"job", "nightly"}}, std::nullopt};
  CreateGrantResult made = f.service.CreateGrant(f.CtxFor("CreateGrant"), grant);

  auto encrypt = [&](EncryptionContext ec) {
    return f.service.Encrypt(StrictCall(f, batch, "Encrypt", "kms:Encrypt").ctx,
                             EncryptOf(key.id, std::move(ec)));
  };
  Bytes blob = encrypt({{"job", "nightly"}, {"run", "7"}}).ciphertext;  // a superset: allowed
  CHECK(MessageOf([&] {
          encrypt({{"job", "hourly"}});
        }) == Denied(batch.arn, "kms:Encrypt", key.Arn(),
                     // The default key policy delegates to IAM, which allows batch nothing.
                     " because no identity-based policy allows the kms:Encrypt action"));
  CHECK(ErrorOf([&] { encrypt({}); }) == "AccessDeniedException");
  // Not a granted operation.
  GenerateDataKeyRequest gdk;
  gdk.key_id = key.id;
  gdk.number_of_bytes = 32;
  gdk.context = {{"job", "nightly"}};
  CHECK(ErrorOf([&] {
          f.service.GenerateDataKey(
              StrictCall(f, batch, "GenerateDataKey", "kms:GenerateDataKey").ctx, gdk, true);
        }) == "AccessDeniedException");
  // Decrypt of a blob found by its own key id, its context checked too.
  DecryptRequest dec;
  dec.ciphertext = blob;
  dec.context = {{"job", "nightly"}, {"run", "7"}};
  f.service.Decrypt(StrictCall(f, batch, "Decrypt", "kms:Decrypt").ctx, dec);

  // RetireGrant: not the grantee (the grant has no RetireGrant), but its retiring principal.
  RetireGrantRequest retire;
  retire.grant_token = made.grant_token;
  CHECK(ErrorOf([&] {
          f.service.RetireGrant(StrictCall(f, batch, "RetireGrant", "kms:RetireGrant").ctx, retire);
        }) == "AccessDeniedException");
  Principal ops = MakePrincipal("arn:aws:iam::111122223333:user/ops", R"({"Statement":[]})");
  f.service.RetireGrant(StrictCall(f, ops, "RetireGrant", "kms:RetireGrant").ctx, retire);
  // Gone at once.
  CHECK(ErrorOf([&] {
          f.service.Decrypt(StrictCall(f, batch, "Decrypt", "kms:Decrypt").ctx, dec);
        }) == "AccessDeniedException");
}

TEST_CASE("Strict mode: another account's key only by its key ARN, when its policy names it") {
  ServiceFixture f;
  CreateKeyRequest req;
  req.policy = R"({"Statement":[
    {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
    {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:Encrypt","Resource":"*"}]})";
  Key key = f.service.CreateKey(f.Ctx(), req);
  Key private_key = f.NewKey();
  Principal batch = MakePrincipal("arn:aws:iam::444455556666:role/batch");
  auto encrypt = [&](const std::string& id) {
    return f.service.Encrypt(StrictCall(f, batch, "Encrypt", "kms:Encrypt", true).ctx,
                             EncryptOf(id));
  };
  CHECK(encrypt(key.Arn()).key_arn == key.Arn());
  CHECK(MessageOf([&] { encrypt(key.id); }) ==
        "Key 'arn:aws:kms:us-east-1:444455556666:key/" + key.id + "' does not exist");
  CHECK(ErrorOf([&] { encrypt(private_key.Arn()); }) == "AccessDeniedException");
  // An operation AWS does not let another account call: not found.
  CHECK(ErrorOf([&] {
          f.service.DisableKey(StrictCall(f, batch, "DisableKey", "kms:DisableKey").ctx, key.Arn());
        }) == "NotFoundException");
  // Open mode never reaches into another account.
  CHECK(ErrorOf([&] {
          f.service.Encrypt(f.Ctx({std::string(kOther), "us-east-1"}), EncryptOf(key.Arn()));
        }) == "NotFoundException");
}

TEST_CASE("A key's policy is compiled once per copy of the key, and again after it changes") {
  ServiceFixture f;
  Key key = f.NewKey();
  std::shared_ptr<const Key> cached = std::make_shared<const Key>(key);
  std::shared_ptr<const CompiledPolicy> first = KeyPolicyOf(*cached);
  CHECK(KeyPolicyOf(*cached) == first);  // kept with the key
  Key copy = *cached;
  CHECK(copy.compiled_policy.Get() == nullptr);  // a copy compiles its own
  copy.policy = R"({"Statement":[]})";
  CHECK(StatementCount(*KeyPolicyOf(copy)) == 0);
  CHECK(StatementCount(*first) == 1);
  Key legacy = key;
  legacy.policy = R"({"Statement":[{"Effect":"Maybe"}]})";  // stored by a laxer Rotor
  CHECK(StatementCount(*KeyPolicyOf(legacy)) == 0);         // allows nothing
}

TEST_CASE("Strict mode: tags and aliases as condition keys (ABAC), alias operations on the alias") {
  ServiceFixture f;
  Key alpha = f.NewKey();
  Key beta = f.NewKey();
  f.service.TagResource(f.CtxFor("TagResource"), alpha.id, {{"Project", "alpha"}});
  f.service.CreateAlias(f.CtxFor("CreateAlias"), "alias/finance-db", beta.id);
  auto encrypt_as = [&](const Principal& who, const Key& key) {
    f.service.Encrypt(StrictCall(f, who, "Encrypt", "kms:Encrypt").ctx, EncryptOf(key.id));
  };

  // aws:ResourceTag/<k>: the tag key part compares without regard to case.
  Principal tagged = MakePrincipal("arn:aws:iam::111122223333:role/tagged", R"({"Statement":[
      {"Effect":"Allow","Action":"kms:Encrypt","Resource":"*",
       "Condition":{"StringEquals":{"aws:ResourceTag/project":"alpha"}}}]})");
  encrypt_as(tagged, alpha);
  CHECK(MessageOf([&] { encrypt_as(tagged, beta); }) ==
        Denied(tagged.arn, "kms:Encrypt", beta.Arn(),
               " because no identity-based policy allows the kms:Encrypt action"));

  // kms:ResourceAliases: the key's aliases, whatever the request names it by.
  Principal finance = MakePrincipal("arn:aws:iam::111122223333:role/finance", R"({"Statement":[
      {"Effect":"Allow","Action":"kms:Encrypt","Resource":"*",
       "Condition":{"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/finance-*"}}}]})");
  encrypt_as(finance, beta);
  CHECK(ErrorOf([&] { encrypt_as(finance, alpha); }) == "AccessDeniedException");
  // Once the alias moves away, the key loses what it gave.
  f.service.UpdateAlias(f.CtxFor("UpdateAlias"), "alias/finance-db", alpha.id);
  encrypt_as(finance, alpha);
  CHECK(ErrorOf([&] { encrypt_as(finance, beta); }) == "AccessDeniedException");

  // aws:RequestTag/<k>: the tags the request sets (CreateKey, on resource "*").
  Principal owner = MakePrincipal("arn:aws:iam::111122223333:role/owner", R"({"Statement":[
      {"Effect":"Allow","Action":"kms:CreateKey","Resource":"*",
       "Condition":{"StringEquals":{"aws:RequestTag/Owner":"team-a"}}}]})");
  StrictCall create(f, owner, "CreateKey", "kms:CreateKey");
  std::array<TagRef, 1> request_tags{TagRef{"Owner", "team-b"}};
  create.access.request_tags = request_tags;
  CreateKeyRequest req;
  req.tags = {{"Owner", "team-b"}};
  req.bypass_policy_lockout_safety_check = true;
  CHECK(MessageOf([&] { f.service.CreateKey(create.ctx, req); }) ==
        Denied(owner.arn, "kms:CreateKey", "*",
               " because no identity-based policy allows the kms:CreateKey action"));
  request_tags[0].value = "team-a";
  req.tags = {{"Owner", "team-a"}};
  CHECK_NOTHROW(f.service.CreateKey(create.ctx, req));

  // CreateAlias, UpdateAlias, DeleteAlias: the identity policy on the alias ARN,
  // and the key policy of every key the alias names.
  Principal aliaser = MakePrincipal("arn:aws:iam::111122223333:role/aliaser", R"({"Statement":[
      {"Effect":"Allow","Action":["kms:CreateAlias","kms:UpdateAlias","kms:DeleteAlias"],
       "Resource":["arn:aws:kms:us-east-1:111122223333:alias/app-*",
                   "arn:aws:kms:us-east-1:111122223333:key/*"]}]})");
  StrictCall create_alias(f, aliaser, "CreateAlias", "kms:CreateAlias");
  StrictCall update_alias(f, aliaser, "UpdateAlias", "kms:UpdateAlias");
  StrictCall delete_alias(f, aliaser, "DeleteAlias", "kms:DeleteAlias");
  f.service.CreateAlias(create_alias.ctx, "alias/app-web", alpha.id);
  CHECK(MessageOf([&] { f.service.CreateAlias(create_alias.ctx, "alias/ops-web", alpha.id); }) ==
        Denied(aliaser.arn, "kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/ops-web",
               " because no identity-based policy allows the kms:CreateAlias action"));
  f.service.UpdateAlias(update_alias.ctx, "alias/app-web", beta.id);
  CHECK(ErrorOf([&] { f.service.DeleteAlias(delete_alias.ctx, "alias/finance-db"); }) ==
        "AccessDeniedException");
  f.service.DeleteAlias(delete_alias.ctx, "alias/app-web");

  // UpdateAlias also needs the current key's key policy: a key whose policy
  // denies the caller keeps its alias.
  CreateKeyRequest locked;
  locked.policy = R"({"Statement":[
      {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
      {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/aliaser"},"Action":"kms:UpdateAlias","Resource":"*"}]})";
  Key guarded = f.service.CreateKey(f.CtxFor("CreateKey"), locked);
  f.service.CreateAlias(f.CtxFor("CreateAlias"), "alias/app-guarded", guarded.id);
  CHECK(MessageOf([&] {
          f.service.UpdateAlias(update_alias.ctx, "alias/app-guarded", alpha.id);
        }) == Denied(aliaser.arn, "kms:UpdateAlias", guarded.Arn(),
                     " with an explicit deny in a resource-based policy"));
}

}  // namespace rotor::core::testing
