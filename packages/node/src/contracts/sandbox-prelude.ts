import { Parser } from 'acorn';
import { CONTRACT_LIMITS } from '@hackcoin/core';
import { largestOwnFunction } from './function-sizes.js';
import { GAS, LIMITS } from './gas-schedule.js';
import type { AnyNode } from './source-limits.js';
import { preludeBase } from './prelude/base.js';
import { preludePrototypes } from './prelude/prototypes.js';
import { preludeArrays } from './prelude/arrays.js';
import { preludeTypedArrays } from './prelude/typed-arrays.js';
import { preludeCollections } from './prelude/collections.js';
import { preludeStrings } from './prelude/strings.js';
import { preludeJsonRegexp } from './prelude/json-regexp.js';
import { preludeApi } from './prelude/api.js';
import { preludePrototypeGuards } from './prelude/prototype-guards.js';
import { preludeRun } from './prelude/run.js';

/**
 * JavaScript evaluated inside QuickJS once per engine, into the base snapshot
 * every contract's snapshot is built on (see vm-pool.ts); each contract's
 * script then binds to it and each call only runs the returned entry function
 * from a restored snapshot. Each contract script owns its gas counter
 * (`__hc_g`, a closure variable: cheap for the injected checks and unreachable
 * by name from contract code). The prelude removes
 * nondeterministic and code-generating globals, replaces native built-ins
 * whose work grows with their input by wrappers that charge first, and
 * exposes the contract API over the raw host functions in `__hc_host`.
 *
 * Everything here captures the primordials it uses before contract code runs,
 * because contract code may overwrite any prototype method afterwards. The
 * text is one script, kept by subject in prelude/ and joined in order here:
 * later parts use what earlier ones define, and the joined text is part of
 * consensus (gas, stack depths), so a change of order is a change of rules.
 *
 * Result protocol (a string, read by the engine): `S<gasLeft>|<json or empty>`,
 * `R<gasLeft>|<reason>` or `O` (out of gas, or a resource cap was hit).
 */

const { maxValueDepth, maxReturnLength, maxEvents, maxJsonDepth } = CONTRACT_LIMITS;

const preludeText = (constants: string): string =>
  '(function (__hc_host) {\n' +
  preludeBase(constants) +
  preludePrototypes +
  preludeArrays +
  preludeTypedArrays +
  preludeCollections +
  preludeStrings +
  preludeJsonRegexp +
  preludeApi +
  preludePrototypeGuards +
  preludeRun +
  '})';

/**
 * The largest prelude function that can be on the stack when a contract
 * makes an error: every function but the outer setup one, which has
 * returned before any call (its constants are left out: they change only
 * its own size). Worked out at the first engine, not at import: parsing the
 * prelude took ~80 ms of a node's start, most of which never runs a contract.
 */
function preludeFunctionChars(): number {
  return largestOwnFunction(
    Parser.parse(preludeText('{}'), { ecmaVersion: 2022, sourceType: 'script' }) as unknown as AnyNode,
    (node) => node.end - node.start,
    2,
  );
}

let prelude: string | undefined;

/**
 * Per contract: evaluates to a function that takes the runtime the prelude
 * returned, owns the contract's gas counter and returns the per-call entry.
 */
const CONTRACT_HEAD = `(function (__hc_rt) {
"use strict";
let __hc_g = 0;
let __hc_v;
const __hc_OOG = __hc_rt.OOG, __hc_isOom = __hc_rt.isOom;
function __hc_oog() { __hc_g = -1; throw __hc_OOG; }
const __hc_err = __hc_rt.err, __hc_ef = __hc_rt.ef, __hc_fo = __hc_rt.fo, __hc_fe = __hc_rt.fe;
function __hc_ck(e) { if (__hc_g < 0 || __hc_isOom(e)) __hc_oog(); __hc_err(e); }
__hc_rt.bind(function (n) { if ((__hc_g -= n > 0 ? n : 0) < 0) __hc_oog(); }, function () { return __hc_g; },
  function (v) { __hc_g = v; }, __hc_oog);
const __hc_it = __hc_rt.it, __hc_os = __hc_rt.os, __hc_fi = __hc_rt.fi, __hc_run = __hc_rt.run;
const __hc_sf = __hc_rt.sf, __hc_ex = __hc_rt.ex, __hc_pr = __hc_rt.pr;
const __hc_cat = __hc_rt.cat, __hc_s = __hc_rt.s, __hc_q = __hc_rt.q, __hc_l = __hc_rt.l, __hc_un = __hc_rt.un, __hc_up = __hc_rt.up, __hc_uk = __hc_rt.uk;
const __hc_lq = __hc_rt.lq, __hc_n = __hc_rt.n, __hc_ns = __hc_rt.ns, __hc_k = __hc_rt.k, __hc_sk = __hc_rt.sk, __hc_tw = __hc_rt.tw, __hc_tl = __hc_rt.tl;
const __hc_nt = __hc_rt.nt, __hc_unt = __hc_rt.unt, __hc_ukt = __hc_rt.ukt;
const __hc_step = __hc_rt.step, __hc_cg = __hc_rt.cg, __hc_cgt = __hc_rt.cgt, __hc_cs = __hc_rt.cs;
const __hc_cst = __hc_rt.cst, __hc_cell = __hc_rt.cell;
const __hc_pnew = __hc_rt.pnew, __hc_pslot = __hc_rt.pslot, __hc_pold = __hc_rt.pold, __hc_capv = __hc_rt.capv;
const __hc_factory = `;

/**
 * Stack parity: before snapshots, the entry was the big setup function itself,
 * whose QuickJS frame held the prelude's locals. The stack depth at which a
 * contract overflows (and so its gas) depends on those frames, so the small
 * per-call entry carries 14 unused locals: measured to reproduce the old frame
 * sizes exactly (frames are 16-byte aligned; 12 and 15 both differ), so
 * overflow depths are unchanged at every call depth (see snapshot.test.ts).
 */
const STACK_PARITY_PADDING = Array.from({ length: 14 }, (_, i) => ` let __hc_p${i};`).join('');
const CONTRACT_TAIL = `;
return function (__hc_limit, __hc_input) {${STACK_PARITY_PADDING} return __hc_run(__hc_factory, __hc_limit, __hc_input); };
})`;

/**
 * The sandbox prelude: evaluates to a setup function that takes the host
 * object, captures primordials, installs the metered wrappers and returns the
 * runtime object a contract script binds to. The engine runs it once, into
 * the base snapshot every contract's snapshot starts from.
 */
export function preludeScript(): string {
  prelude ??= preludeText(
    JSON.stringify({
      ...GAS, ...LIMITS, maxValueDepth, maxReturnLength, maxEvents, maxJsonDepth, preludeFunctionChars: preludeFunctionChars(), killPollsPerGas: undefined,
    }),
  );
  return prelude;
}

/**
 * The script for one contract, evaluated on top of the base snapshot: a
 * function that takes the prelude's runtime, creates the contract's factory
 * without running it and returns the per-call entry
 * `(gasLimit, inputJson) => reply`. The engine snapshots the VM right after.
 */
export function contractScript(instrumentedCode: string): string {
  return CONTRACT_HEAD + instrumentedCode + CONTRACT_TAIL;
}
