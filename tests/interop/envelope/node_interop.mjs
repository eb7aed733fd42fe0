// Interop with @aws-crypto/client-node: decrypt kmsim's messages, and write
// messages for kmsim to decrypt. Usage: node node_interop.mjs DIR
// (DIR/manifest.json and DIR/kmsim/ come from `envelope_fixture write`).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier, AlgorithmSuiteIdentifier,
} from '@aws-crypto/client-node'

const dir = process.argv[2]
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

// An isolated Uint8Array: the keyring rejects Buffer views into a shared pool.
const key = new Uint8Array(32)
key.set(Buffer.from(manifest.keyHex, 'hex'))
const keyring = new RawAesKeyringNode({
  keyName: manifest.keyName,
  keyNamespace: manifest.namespace,
  unencryptedMasterKey: key,
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
})

const plaintext = (n) => {
  const p = new Uint8Array(n)
  for (let i = 0; i < n; i++) p[i] = (i * 31 + 7) % 251
  return p
}
const suites = {
  0x0478: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  0x0578: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
}

let passed = 0
let failed = 0
const fail = (what, e) => { failed++; console.log(`FAIL node ${what}: ${e && e.message ? e.message : e}`) }

for (const c of manifest.cases) {
  try {
    const message = readFileSync(join(dir, 'kmsim', `${c.name}.esdk`))
    const { plaintext: got, messageHeader } = await decrypt(keyring, message)
    if (Buffer.compare(Buffer.from(got), Buffer.from(plaintext(c.size))) !== 0) throw new Error('plaintext differs')
    if (messageHeader.suiteId !== c.suite) throw new Error(`suite ${messageHeader.suiteId}`)
    const ctx = { ...messageHeader.encryptionContext }
    delete ctx['aws-crypto-public-key']
    if (JSON.stringify(ctx) !== JSON.stringify(c.context)) throw new Error(`context ${JSON.stringify(ctx)}`)
    passed++
  } catch (e) { fail(`decrypt kmsim/${c.name}`, e) }
}

mkdirSync(join(dir, 'node'), { recursive: true })
for (const c of manifest.cases) {
  try {
    const { result } = await encrypt(keyring, plaintext(c.size), {
      encryptionContext: c.context, suiteId: suites[c.suite], frameLength: c.frameLength,
    })
    writeFileSync(join(dir, 'node', `${c.name}.esdk`), result)
    passed++
  } catch (e) { fail(`encrypt ${c.name}`, e) }
}
console.log(`node interop: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
