/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: the per-call entry and the runtime handed to each contract script. */
export const preludeRun = `function global(name, value) { defineProperty(G, name, { value: value, writable: false, configurable: false, enumerable: false }); }

const apiGlobals = [['storage', storage], ['balance', balance], ['transfer', transfer], ['emit', emit], ['require', require], ['call', call]];

/* Functions the prelude made and contracts can reach (wrappers, API functions) get the same read-only
   prototype property: walked once, into the base snapshot. */
(function sealReachable() {
  const seen = new WeakSetCtor();
  const stack = [G];
  for (let i = 0; i < apiGlobals.length; i++) stack.push(apiGlobals[i][1]);
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || (typeof x !== 'object' && typeof x !== 'function') || apply(weakSetHas, seen, [x])) continue;
    apply(weakSetAdd, seen, [x]);
    const d = getOwnPropertyDescriptor(x, 'prototype');
    if (typeof x === 'function' && d !== undefined && d.writable === true) defineProperty(x, 'prototype', SEALED);
    stack.push(getPrototypeOf(x));
    const keys = ownKeys(x);
    for (let i = 0; i < keys.length; i++) {
      const k = getOwnPropertyDescriptor(x, keys[i]);
      if (k === undefined) continue;
      stack.push(k.value, k.get, k.set);
    }
  }
})();

/* Per call (everything above ran once, before the engine's snapshot). The
   shape of run() is part of the stack-parity measurement below: keep it. */
function run(factory, limit, text) {
setGas(limit);
charge(K.builtinBase + ceil(text.length / K.charsPerGas));
const input = jsonParse(text);
global('msg', freeze({ sender: input.sender, value: input.value, contract: input.contract }));
global('block', freeze({ height: input.height, time: input.time }));
for (let i = 0; i < apiGlobals.length; i++) global(apiGlobals[i][0], apiGlobals[i][1]);
try {
  const exports = factory();
  const fn = input.fn;
  let result;
  if (!hasOwn(exports, fn) || typeof exports[fn] !== 'function') {
    if (!(fn === 'init' && input.deploying)) fail(ErrorCtor, 'unknown function ' + fn);
  } else {
    if (fn === 'init' && !input.deploying) fail(ErrorCtor, 'init can only run at deploy');
    result = apply(exports[fn], undefined, input.args);
  }
  const out = result === undefined ? '' : toJsonText(result, 'return value', K.maxReturnLength);
  if (gasLeft() < 0) return 'O';
  return 'S' + gasLeft() + '|' + out;
} catch (e) {
  if (gasLeft() < 0 || isOom(e)) return 'O';
  let reason;
  try { chargeError(e); reason = describe(e); } catch (e2) { reason = 'error'; }
  if (gasLeft() < 0) return 'O';
  const cut = reason.length > K.maxRevertReasonLength ? apply(stringSlice, reason, [0, K.maxRevertReasonLength]) : reason;
  return 'R' + gasLeft() + '|' + cut;
}
}

return freeze({ OOG: OOG, isOom: isOom, bind: bind, it: __hc_it, os: __hc_os, fi: __hc_fi, run: run, cat: __hc_cat,
  s: __hc_s, q: __hc_q, l: __hc_l, un: __hc_un, up: __hc_up, uk: __hc_uk, err: chargeError, ef: setFrameChars,
  lq: __hc_lq, n: __hc_n, ns: __hc_ns, k: __hc_k, sk: __hc_sk, tw: __hc_tw, tl: __hc_tl, nt: __hc_nt, unt: __hc_unt, ukt: __hc_ukt,
  step: __hc_step, cg: __hc_cg, cgt: __hc_cgt, cs: __hc_cs, cst: __hc_cst, cell: updateCell,
  pnew: __hc_pnew, pslot: __hc_pslot, pold: __hc_pold, capv: __hc_capv,
  fo: __hc_fo, fe: __hc_fe, sf: __hc_sf, ex: __hc_ex, pr: __hc_pr });
`;
