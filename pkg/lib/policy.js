// The policy engine's explain API: `sim.policy.{loadWorld, simulate, explain, validate}`.
// Everything crosses the wasm boundary as JSON text.

/**
 * Builds `sim.policy` for one simulator handle.
 * @param {object} wasm the WasmSimulator
 * @param {number} caller the registered call-context handle of this simulator view
 * @param {object} glue the wasm-bindgen module (for the static validator)
 */
export function makePolicyApi(wasm, caller, glue) {
  const text = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
  return {
    /** Replaces the IAM world (users, groups, roles, policies, sessions, organization). */
    loadWorld: (world) => wasm.loadWorld(text(world)),
    /** IAM SimulatePrincipalPolicy-style batch; returns one result per action × resource. */
    simulate: (request) => JSON.parse(wasm.simulate(text(request))),
    /** The explained decision for this simulator's caller doing `action` on `resource`. */
    explain: (action, resource, context = {}) =>
      JSON.parse(wasm.explain(caller, JSON.stringify({ action, resource, context }))),
    /** Access-Analyzer-style findings for policy text used as `kind` (default `identity`). */
    validate: (policy, kind = 'identity') => JSON.parse(glue.WasmSimulator.validatePolicy(text(policy), kind)),
  };
}
