#include "core/request_quotas.h"

#include <catch2/catch.hpp>

using namespace rotor::core;

namespace {
const Timestamp kT0 = Timestamp(Millis(1'800'000'000'000));
const Scope kScope{"111122223333", "us-east-1"};
}  // namespace

TEST_CASE("Operations count against their own quota or a shared one") {
  CHECK(QuotaNameOf("CreateKey", QuotaKeyKind::kSymmetric, "") == "CreateKey");
  CHECK(QuotaNameOf("GenerateDataKey", QuotaKeyKind::kOther, "") == "CryptographicSymmetric");
  CHECK(QuotaNameOf("GenerateRandom", QuotaKeyKind::kOther, "") == "CryptographicSymmetric");
  CHECK(QuotaNameOf("VerifyMac", QuotaKeyKind::kOther, "") == "CryptographicSymmetric");
  CHECK(QuotaNameOf("Encrypt", QuotaKeyKind::kSymmetric, "") == "CryptographicSymmetric");
  CHECK(QuotaNameOf("Encrypt", QuotaKeyKind::kRsa, "") == "CryptographicRSA");
  CHECK(QuotaNameOf("Sign", QuotaKeyKind::kEcc, "") == "CryptographicECC");
  CHECK(QuotaNameOf("Decrypt", QuotaKeyKind::kOther, "").empty());
  CHECK(QuotaNameOf("GenerateDataKeyPairWithoutPlaintext", QuotaKeyKind::kOther, "RSA_2048") ==
        "GenerateDataKeyPair:RSA_2048");
  CHECK(QuotaDependsOnKey("Decrypt"));
  CHECK_FALSE(QuotaDependsOnKey("GenerateDataKey"));
}

TEST_CASE("AWS's default rates, the symmetric one by Region") {
  CHECK(AwsQuotaRate("CreateKey", "us-east-1") == 5);
  CHECK(AwsQuotaRate("DescribeKey", "eu-west-3") == 2000);
  CHECK(AwsQuotaRate("GetParametersForImport", "us-east-1") == 0.25);
  CHECK(AwsQuotaRate("CryptographicSymmetric", "us-east-1") == 50000);
  CHECK(AwsQuotaRate("CryptographicSymmetric", "eu-west-2") == 20000);
  CHECK(AwsQuotaRate("CryptographicSymmetric", "sa-east-1") == 10000);
  CHECK_FALSE(AwsQuotaRate("NoSuchQuota", "us-east-1").has_value());
}

TEST_CASE("A bucket admits its rate in a burst, then refills with the clock") {
  RequestQuotas quotas({{"CreateKey", 2}});
  CHECK(quotas.RateOf("CreateKey", "us-east-1") == 2);
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += quotas.Admit("CreateKey", kScope, kT0);
  CHECK(admitted == 2);
  CHECK(quotas.throttled() == 8);
  // Half a second refills one request at 2 per second.
  CHECK(quotas.Admit("CreateKey", kScope, kT0 + Millis(500)));
  CHECK_FALSE(quotas.Admit("CreateKey", kScope, kT0 + Millis(500)));
  // A long pause refills to the burst size, not beyond.
  admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += quotas.Admit("CreateKey", kScope, kT0 + Millis(60000));
  CHECK(admitted == 2);
  // Over 20 s of steady demand, 2 per second get through.
  admitted = 0;
  for (int step = 1; step <= 40; ++step) {
    for (int i = 0; i < 3; ++i) {
      admitted += quotas.Admit("CreateKey", kScope, kT0 + Millis(60000 + 500 * step));
    }
  }
  CHECK(admitted == 40);
}

TEST_CASE("Buckets are per account, Region and quota, rates below 1 hold one request") {
  RequestQuotas quotas;
  CHECK(quotas.Admit("GetParametersForImport", kScope, kT0));
  CHECK_FALSE(quotas.Admit("GetParametersForImport", kScope, kT0 + Millis(3999)));
  CHECK(quotas.Admit("GetParametersForImport", kScope, kT0 + Millis(4000)));
  CHECK(quotas.Admit("GetParametersForImport", Scope{"444455556666", "us-east-1"}, kT0));
  CHECK(quotas.Admit("GetParametersForImport", Scope{"111122223333", "eu-west-1"}, kT0));
  // No documented quota, no throttling.
  for (int i = 0; i < 100; ++i) CHECK(quotas.Admit("RotateKeyOnDemand", kScope, kT0));
}
