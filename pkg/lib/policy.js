// The policy engine's explain API: `sim.policy.{loadWorld, simulate, explain, validate}`, and
// batch authorization: `sim.policy.{authorize, prepare}`.
// Requests and explanations cross the wasm boundary as JSON text; batch outcomes as one byte each.

/** Outcome names by the code `authorizePrepared` reports (see src/wasm/policy.rs). */
const OUTCOME_NAMES = Object.freeze(['Allow', 'ExplicitDeny', 'ImplicitDeny']);

/**
 * Builds `sim.policy` for one simulator handle.
 * @param {object} wasm the WasmSimulator
 * @param {number} caller the registered call-context handle of this simulator view
 * @param {object} glue the wasm-bindgen module (for the static validator)
 */
export function makePolicyApi(wasm, caller, glue) {
  const text = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
  const prepare = (requests) => {
    if (!Array.isArray(requests)) throw new TypeError('sim.policy.prepare takes an array of requests');
    const batch = wasm.prepareAuthorization(caller, JSON.stringify(requests));
    return {
      get length() {
        return batch.length;
      },
      // Every call evaluates every request in full against the simulator's current state.
      authorize: () => wasm.authorizePrepared(batch),
      outcomes: () => Array.from(wasm.authorizePrepared(batch), (code) => OUTCOME_NAMES[code]),
      free: () => batch.free(),
    };
  };
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
    /** Outcomes only, one per request, in one wasm call: what `explain(...).outcome` would say. */
    authorize: (requests) => {
      const batch = prepare(requests);
      try {
        return batch.outcomes();
      } finally {
        batch.free();
      }
    },
    /** Parses a batch once; its `authorize()` evaluates it again, in full, on every call. */
    prepare,
    /** The outcome names by the codes `prepare(...).authorize()` returns. */
    outcomeNames: OUTCOME_NAMES,
  };
}
