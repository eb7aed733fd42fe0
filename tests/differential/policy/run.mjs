// Differential check of kmsim's policy engine against @cloud-copilot/iam-simulate
// (an npm *dev* dependency, AGPL: it is only run here, never shipped or copied).
//
// 1. Export the corpus, resolved into plain policy lists and context values:
//      KMSIM_POLICY_EXPORT=/tmp/kmsim-policy-export.json cargo test --test policy_corpus export
// 2. Run:  node tests/differential/policy/run.mjs /tmp/kmsim-policy-export.json
//
// Scenarios the other simulator cannot express are skipped and counted:
// KMS grants, and requests whose inputs it rejects (it validates actions,
// ARNs and context keys against its own service data). Every disagreement
// is printed with the AWS documentation section the corpus case follows.

import { readFileSync } from 'node:fs'
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const exportFile = process.argv[2] ?? '/tmp/kmsim-policy-export.json'
const candidates = [
  path.resolve('node_modules/@cloud-copilot/iam-simulate/dist/esm/index.js'),
  '/work/main/node_modules/@cloud-copilot/iam-simulate/dist/esm/index.js'
]
const modulePath = candidates.find((p) => existsSync(p))
if (!modulePath) {
  console.error('@cloud-copilot/iam-simulate is not installed: run `npm install` first')
  process.exit(2)
}
const { runSimulation } = await import(pathToFileURL(modulePath).href)

const toTheirs = { Allow: 'Allowed', ExplicitDeny: 'ExplicitlyDenied', ImplicitDeny: 'ImplicitlyDenied' }
const cases = JSON.parse(readFileSync(exportFile, 'utf8'))
let agree = 0
const skipped = []
const disagreements = []

for (const c of cases) {
  if (c.hasGrants) {
    skipped.push([c.name, 'KMS grants are not modelled'])
    continue
  }
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resourceAccount },
      contextVariables: c.context
    },
    identityPolicies: c.identityPolicies,
    serviceControlPolicies: c.serviceControlPolicies,
    resourceControlPolicies: c.resourceControlPolicies,
    resourcePolicy: c.resourcePolicy ?? undefined,
    permissionBoundaryPolicies: c.permissionBoundaryPolicies.length ? c.permissionBoundaryPolicies : undefined,
    sessionPolicy: c.sessionPolicy ?? undefined
  }
  let response
  try {
    response = await runSimulation(simulation, {})
  } catch (e) {
    skipped.push([c.name, `threw: ${e.message}`])
    continue
  }
  if (response.resultType === 'error') {
    skipped.push([c.name, `rejected: ${JSON.stringify(response.errors).slice(0, 160)}`])
    continue
  }
  const theirs = response.overallResult
  const ours = toTheirs[c.expect]
  if (theirs === ours) {
    agree++
  } else {
    disagreements.push({ name: c.name, ours, theirs, doc: c.doc })
  }
}

console.log(`differential: ${cases.length} cases, ${agree} agree, ${disagreements.length} disagree, ${skipped.length} skipped`)
for (const d of disagreements) {
  console.log(`DISAGREE  ${d.name}\n          kmsim=${d.ours}  iam-simulate=${d.theirs}\n          decided by: ${d.doc}`)
}
if (process.env.VERBOSE) {
  for (const [name, why] of skipped) console.log(`skip      ${name}: ${why}`)
}
