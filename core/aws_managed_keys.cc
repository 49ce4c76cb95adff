#include "core/aws_managed_keys.h"

#include <algorithm>
#include <array>

#include "core/kms_error.h"

namespace rotor::core {
namespace {

// AWS's descriptions and key policies of the AWS managed keys behind the
// aliases a new account lists, as DescribeKey and GetKeyPolicy show them in
// us-east-1 (the account id and Region are filled in per scope).
constexpr std::array kPredefined{
    PredefinedAlias{"alias/aws/acm",
                    "Default key that protects my ACM private keys when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-acm-4",
  "Statement" : [ {
    "Sid" : "Allow creation of decryption grants",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : "kms:CreateGrant",
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "acm.{region}.amazonaws.com"
      },
      "ForAllValues:StringEquals" : {
        "kms:GrantOperations" : "Decrypt"
      },
      "Bool" : {
        "kms:GrantIsForAWSResource" : "true"
      }
    }
  }, {
    "Sid" : "Allow creation of encryption grant",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : "kms:CreateGrant",
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "acm.{region}.amazonaws.com"
      },
      "ForAllValues:StringEquals" : {
        "kms:GrantOperations" : [ "Encrypt", "ReEncryptFrom", "ReEncryptTo" ]
      },
      "Bool" : {
        "kms:GrantIsForAWSResource" : "true"
      }
    }
  }, {
    "Sid" : "Allowed operations for the key owner",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:DescribeKey", "kms:ListGrants", "kms:RevokeGrant", "kms:GetKeyPolicy" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}"
      }
    }
  }, {
    "Sid" : "Deny re-encryption to any other key",
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
  }, {
    "Sid" : "Allow decrypt",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : "kms:Decrypt",
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "acm.{region}.amazonaws.com"
      }
    }
  } ]
})json"},
    PredefinedAlias{"alias/aws/dynamodb",
                    "Default key that protects my DynamoDB data when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-dynamodb-3",
  "Statement" : [ {
    "Sid" : "Allow access through Amazon DynamoDB for all principals in the account that are authorized to use Amazon DynamoDB",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}"
      },
      "StringLike" : {
        "kms:ViaService" : "dynamodb.*.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  }, {
    "Sid" : "Allow DynamoDB to directly describe the key",
    "Effect" : "Allow",
    "Principal" : {
      "Service" : "dynamodb.amazonaws.com"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/ebs",
                    "Default key that protects my EBS volumes when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-ebs-2",
  "Statement" : [ {
    "Sid" : "Allow access through EBS for all principals in the account that are authorized to use EBS",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "ec2.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/elasticfilesystem",
                    "Default key that protects my EFS filesystems when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-elasticfilesystem-1",
  "Statement" : [ {
    "Sid" : "Allow access to EFS for all principals in the account that are authorized to use EFS",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "elasticfilesystem.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/es",
                    "Default key that protects my Elasticsearch data when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-es-2",
  "Statement" : [ {
    "Sid" : "Allow access through OpenSearch Service for all principals in the account that are authorized to use OpenSearch Service",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "es.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  }, {
    "Sid" : "Allow OpenSearch service principals to describe the key directly",
    "Effect" : "Allow",
    "Principal" : {
      "Service" : "es.amazonaws.com"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/glue",
                    "Default key that protects my Glue data when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-glue-1",
  "Statement" : [ {
    "Sid" : "Allow access through Glue for all principals in the account that are authorized to use Glue",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "glue.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/kinesisvideo",
                    "Default key that protects my kinesis video data when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-kinesisvideo-1",
  "Statement" : [ {
    "Sid" : "Allow access through Kinesis Video Streams for all principals in the account that are authorized to use Kinesis Video Streams",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "kinesisvideo.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/lambda",
                    "Default key that protects my Lambda functions when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-awslambda",
  "Statement" : [ {
    "Sid" : "Allow access through AWS Lambda for all principals in the account that are authorized to use AWS Lambda",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "lambda.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{
        "alias/aws/rds",
        "Default key that protects my RDS database volumes when no other key is defined",
        R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-rds-2",
  "Statement" : [ {
    "Sid" : "Allow access through RDS for all principals in the account that are authorized to use RDS",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:ListGrants", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "rds.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/redshift",
                    "Default key that protects my Redshift data when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-redshift-3",
  "Statement" : [ {
    "Sid" : "Allow access through RedShift for all principals in the account that are authorized to use RedShift",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "redshift.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow access through RedShift-Serverless for all principals in the account that are authorized to use RedShift-Serverless",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "redshift-serverless.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/s3",
                    "Default key that protects my S3 objects when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-s3-2",
  "Statement" : [ {
    "Sid" : "Allow access through S3 for all principals in the account that are authorized to use S3",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "s3.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{
        "alias/aws/secretsmanager",
        "Default key that protects my Secrets Manager data when no other key is defined",
        R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-secretsmanager-2",
  "Statement" : [ {
    "Sid" : "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "secretsmanager.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : "kms:GenerateDataKey*",
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}"
      },
      "StringLike" : {
        "kms:ViaService" : "secretsmanager.*.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/ssm",
                    "Default key that protects my SSM parameters when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-ssm-1",
  "Statement" : [ {
    "Sid" : "Allow access through SSM for all principals in the account that are authorized to use SSM",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "ssm.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
})json"},
    PredefinedAlias{"alias/aws/xray",
                    "Default key that protects my X-Ray data when no other key is defined",
                    R"json({
  "Version" : "2012-10-17",
  "Id" : "auto-xray-1",
  "Statement" : [ {
    "Sid" : "Allow access through X-Ray for all principals in the account that are authorized to use X-Ray",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "{account}",
        "kms:ViaService" : "xray.{region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::{account}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
    "Resource" : "*"
  }, {
    "Sid" : "Allow X-Ray Service with service principal name xray.amazonaws.com to describe the key directly",
    "Effect" : "Allow",
    "Principal" : {
      "Service" : "xray.amazonaws.com"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
})json"},
};

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::span<const PredefinedAlias> PredefinedAliases() { return kPredefined; }

const PredefinedAlias* FindPredefinedAlias(std::string_view alias_name) {
  auto it = std::find_if(kPredefined.begin(), kPredefined.end(),
                         [&](const PredefinedAlias& a) { return a.name == alias_name; });
  return it == kPredefined.end() ? nullptr : &*it;
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
