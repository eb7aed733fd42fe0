"""Interop with the Python aws-encryption-sdk (raw master key provider):
decrypt kmsim's messages, and write messages for kmsim to decrypt.
Usage: python python_interop.py DIR"""
import json
import os
import sys

import aws_encryption_sdk
from aws_encryption_sdk import CommitmentPolicy
from aws_encryption_sdk.identifiers import Algorithm, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKeyProvider

directory = sys.argv[1]
with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
    manifest = json.load(f)
KEY = bytes.fromhex(manifest["keyHex"])


class InteropProvider(RawMasterKeyProvider):
    provider_id = manifest["namespace"]

    def _get_raw_key(self, key_id):
        return WrappingKey(
            wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
            wrapping_key=KEY,
            wrapping_key_type=EncryptionKeyType.SYMMETRIC,
        )


provider = InteropProvider()
provider.add_master_key(manifest["keyName"].encode("utf-8"))
client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
SUITES = {
    0x0478: Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
    0x0578: Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
}


def plaintext(n):
    return bytes((i * 31 + 7) % 251 for i in range(n))


passed = failed = 0
for case in manifest["cases"]:
    try:
        with open(os.path.join(directory, "kmsim", case["name"] + ".esdk"), "rb") as f:
            message = f.read()
        got, header = client.decrypt(source=message, key_provider=provider)
        if got != plaintext(case["size"]):
            raise ValueError("plaintext differs")
        if header.algorithm.algorithm_id != case["suite"]:
            raise ValueError("suite %04x" % header.algorithm.algorithm_id)
        ctx = dict(header.encryption_context)
        ctx.pop("aws-crypto-public-key", None)
        if ctx != case["context"]:
            raise ValueError("context %r" % ctx)
        passed += 1
    except Exception as e:  # report every case, then fail once
        failed += 1
        print("FAIL python decrypt kmsim/%s: %r" % (case["name"], e))

os.makedirs(os.path.join(directory, "python"), exist_ok=True)
for case in manifest["cases"]:
    try:
        message, _ = client.encrypt(
            source=plaintext(case["size"]),
            key_provider=provider,
            encryption_context=case["context"],
            algorithm=SUITES[case["suite"]],
            frame_length=case["frameLength"],
        )
        with open(os.path.join(directory, "python", case["name"] + ".esdk"), "wb") as f:
            f.write(message)
        passed += 1
    except Exception as e:
        failed += 1
        print("FAIL python encrypt %s: %r" % (case["name"], e))

# kmsim's known-answer fixture (fixed data key, IV and message id) must
# decrypt with the official SDK too, so the KAT is not self-referential.
if len(sys.argv) > 2:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_python_fixtures import client as kat_client, provider as kat_provider

    try:
        with open(os.path.join(sys.argv[2], "kat_0478.hex"), encoding="ascii") as f:
            kat = bytes.fromhex(f.read().strip())
        got, _ = kat_client.decrypt(source=kat, key_provider=kat_provider())
        if got != b"kmsim known-answer test, three frames":
            raise ValueError("plaintext differs")
        passed += 1
    except Exception as e:
        failed += 1
        print("FAIL python decrypt kmsim KAT fixture: %r" % (e,))

print("python interop: %d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
