"""The seed documents' boto3 examples against `kmsim serve`.

Run by tests/cli/run.mjs with AWS_ENDPOINT_URL pointing at the served
simulator (127.0.0.1) and dummy credentials. Prints one line per scenario and
a closing 'boto3: N passed, M failed'; exits non-zero when any failed.
"""

import base64
import json
import os
import sys
import traceback

import boto3
from botocore.exceptions import ClientError

REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
kms = boto3.client("kms", region_name=REGION)
secrets = boto3.client("secretsmanager", region_name=REGION)
ssm = boto3.client("ssm", region_name=REGION)


def error_code(call, **kwargs):
    """The AWS error code a call fails with (AssertionError if it succeeds)."""
    try:
        call(**kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{call.__name__} should have failed")


def kms_create_key_alias_encrypt_decrypt():
    response = kms.create_key(
        Description="Application encryption key", KeyUsage="ENCRYPT_DECRYPT", Origin="AWS_KMS", MultiRegion=False
    )
    key_id = response["KeyMetadata"]["KeyId"]
    key_arn = response["KeyMetadata"]["Arn"]
    assert key_arn.endswith(key_id)
    kms.create_alias(AliasName="alias/my-app-key", TargetKeyId=key_id)

    # Encrypt a value, carry it base64 in an environment variable, decrypt it as the seed's Lambda does.
    sealed = kms.encrypt(KeyId="alias/my-app-key", Plaintext=b"db-password", EncryptionContext={"app": "myapp"})
    assert sealed["KeyId"] == key_arn
    os.environ["ENCRYPTED_PASSWORD"] = base64.b64encode(sealed["CiphertextBlob"]).decode()
    plaintext = kms.decrypt(
        CiphertextBlob=base64.b64decode(os.environ["ENCRYPTED_PASSWORD"]), EncryptionContext={"app": "myapp"}
    )["Plaintext"]
    assert plaintext == b"db-password", plaintext
    assert error_code(kms.decrypt, CiphertextBlob=sealed["CiphertextBlob"]) == "InvalidCiphertextException"

    # Envelope encryption: a data key, its ciphertext decrypts to the same bytes.
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256")
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == data_key["Plaintext"]

    kms.enable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    described = kms.describe_key(KeyId="alias/my-app-key")["KeyMetadata"]
    assert described["KeyState"] == "Enabled"
    assert described["CreationDate"].year >= 2025  # botocore parsed the timestamp


def secrets_create_rotate_get():
    response = secrets.create_secret(
        Name="prod/myapp/db-credentials",
        Description="Production database credentials",
        KmsKeyId="alias/my-app-key",
        SecretString=json.dumps(
            {
                "username": "admin",
                "password": "initial-password-change-me",
                "engine": "mysql",
                "host": "mydb.cluster-abc123.us-east-1.rds.amazonaws.com",
                "port": 3306,
                "dbname": "production",
            }
        ),
        Tags=[{"Key": "Environment", "Value": "Production"}, {"Key": "Application", "Value": "MyApp"}],
    )
    secret_arn = response["ARN"]
    assert ":secret:prod/myapp/db-credentials-" in secret_arn

    # No rotation Lambda exists under that name: AWS (and kmsim) refuse.
    try:
        secrets.rotate_secret(
            SecretId="prod/myapp/db-credentials",
            RotationLambdaARN="arn:aws:lambda:us-east-1:123456789012:function:SecretsManagerRDSMySQLRotation",
            RotationRules={"AutomaticallyAfterDays": 30},
        )
        raise AssertionError("rotate_secret without a Lambda should fail")
    except ClientError as e:
        assert e.response["Error"]["Code"] == "AccessDeniedException", e.response

    # The application code of the seed: get_secret_value and json.loads.
    def get_db_credentials(secret_name):
        response = secrets.get_secret_value(SecretId=secret_name)
        secret = json.loads(response["SecretString"])
        return {
            "host": secret["host"],
            "username": secret["username"],
            "password": secret["password"],
            "port": secret.get("port", 3306),
        }

    creds = get_db_credentials(secret_arn)
    assert creds == {
        "host": "mydb.cluster-abc123.us-east-1.rds.amazonaws.com",
        "username": "admin",
        "password": "initial-password-change-me",
        "port": 3306,
    }, creds
    secrets.put_secret_value(SecretId=secret_arn, SecretString=json.dumps({**creds, "password": "second"}))
    assert get_db_credentials("prod/myapp/db-credentials")["password"] == "second"
    described = secrets.describe_secret(SecretId=secret_arn)
    assert {t["Key"] for t in described["Tags"]} == {"Environment", "Application"}
    assert described["LastChangedDate"].year >= 2025
    assert len(secrets.list_secret_version_ids(SecretId=secret_arn)["Versions"]) == 2
    assert error_code(secrets.get_secret_value, SecretId="prod/none") == "ResourceNotFoundException"
    page = secrets.get_paginator("list_secrets").paginate().build_full_result()
    assert "prod/myapp/db-credentials" in [s["Name"] for s in page["SecretList"]]


def ssm_parameters_by_path():
    ssm.put_parameter(Name="/myapp/prod/db/host", Value="db.example.com", Type="String")
    ssm.put_parameter(Name="/myapp/prod/db/password", Value="py-secret", Type="SecureString", KeyId="alias/my-app-key")
    ssm.put_parameter(Name="/myapp/prod/api/key", Value="api-secret", Type="SecureString")
    ssm.put_parameter(Name="/myapp/prod/features", Value="a,b", Type="StringList")

    def get_config(path):
        config = {}
        paginator = ssm.get_paginator("get_parameters_by_path")
        for page in paginator.paginate(Path=path, Recursive=True, WithDecryption=True, PaginationConfig={"PageSize": 2}):
            for parameter in page["Parameters"]:
                config[parameter["Name"][len(path) :].lstrip("/")] = parameter["Value"]
        return config

    assert get_config("/myapp/prod") == {
        "db/host": "db.example.com",
        "db/password": "py-secret",
        "api/key": "api-secret",
        "features": "a,b",
    }, get_config("/myapp/prod")
    sealed = ssm.get_parameter(Name="/myapp/prod/db/password")["Parameter"]
    assert sealed["Value"] != "py-secret"
    opened = ssm.get_parameter(Name="/myapp/prod/db/password", WithDecryption=True)["Parameter"]
    assert opened["Value"] == "py-secret"
    assert opened["LastModifiedDate"].year >= 2025
    got = ssm.get_parameters(Names=["/myapp/prod/db/host", "/myapp/none"], WithDecryption=True)
    assert [p["Value"] for p in got["Parameters"]] == ["db.example.com"]
    assert got["InvalidParameters"] == ["/myapp/none"]
    assert error_code(ssm.get_parameter, Name="/myapp/none") == "ParameterNotFound"


SCENARIOS = [kms_create_key_alias_encrypt_decrypt, secrets_create_rotate_get, ssm_parameters_by_path]


def main():
    passed = failed = 0
    for scenario in SCENARIOS:
        try:
            scenario()
            passed += 1
            print(f"ok {scenario.__name__}")
        except Exception:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAILED {scenario.__name__}")
            traceback.print_exc(file=sys.stdout)
    print(f"boto3: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
