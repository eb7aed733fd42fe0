"""Writes tests/fixtures/envelope/python_0478.hex and python_0578.hex: messages
from the official Python SDK that kmsim's known-answer tests decrypt.
Usage: python make_python_fixtures.py FIXTURE_DIR"""
import os
import sys

import aws_encryption_sdk
from aws_encryption_sdk import CommitmentPolicy
from aws_encryption_sdk.identifiers import Algorithm, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKeyProvider

KAT_KEY = bytes([0x42] * 32)


class KatProvider(RawMasterKeyProvider):
    provider_id = "kmsim-interop"

    def _get_raw_key(self, key_id):
        return WrappingKey(
            wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
            wrapping_key=KAT_KEY,
            wrapping_key_type=EncryptionKeyType.SYMMETRIC,
        )


def provider():
    p = KatProvider()
    p.add_master_key(b"interop-key")
    return p


client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

if __name__ == "__main__":
    out = sys.argv[1]
    for name, alg in [("python_0478", Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY),
                      ("python_0578", Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384)]:
        ct, _ = client.encrypt(source=b"written by the python aws-encryption-sdk", key_provider=provider(),
                               encryption_context={"origin": "python"}, algorithm=alg, frame_length=128)
        with open(os.path.join(out, name + ".hex"), "w", encoding="ascii") as f:
            f.write(ct.hex() + "\n")
