import { Parser } from 'acorn';
import { CONTRACT_LIMITS } from '@hackcoin/core';
import { largestOwnFunction } from './function-sizes.js';
import { GAS, LIMITS } from './gas-schedule.js';
import type { AnyNode } from './source-limits.js';

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
 * because contract code may overwrite any prototype method afterwards.
 *
 * Result protocol (a string, read by the engine): `S<gasLeft>|<json or empty>`,
 * `R<gasLeft>|<reason>` or `O` (out of gas, or a resource cap was hit).
 */

const { maxValueDepth, maxReturnLength, maxEvents, maxJsonDepth } = CONTRACT_LIMITS;

const preludeText = (constants: string): string => `(function (__hc_host) {
"use strict";
const K = ${constants};
const G = globalThis;
const O = Object, R = Reflect;
const apply = R.apply, construct = R.construct, ownKeys = R.ownKeys;
const defineProperty = O.defineProperty, getOwnPropertyDescriptor = O.getOwnPropertyDescriptor;
const getOwnPropertyNames = O.getOwnPropertyNames, getPrototypeOf = O.getPrototypeOf, freeze = O.freeze, hasOwn = O.hasOwn;
const isArray = Array.isArray, ceil = Math.ceil, log2 = Math.log2, isSafeInteger = Number.isSafeInteger;
const jsonParse = JSON.parse, jsonStringify = JSON.stringify, NumberCtor = Number;
const stringSlice = String.prototype.slice, stringIndexOf = String.prototype.indexOf, charCodeAt = String.prototype.charCodeAt;
const StringCtor = String, ErrorCtor = Error, TypeErrorCtor = TypeError, RangeErrorCtor = RangeError, SyntaxErrorCtor = SyntaxError;
const InternalErrorProto = G.InternalError.prototype;
const errorProtos = [Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError, G.InternalError, AggregateError]
  .map(function (C) { return C.prototype; });
const WeakSetCtor = WeakSet, weakSetAdd = WeakSet.prototype.add, weakSetHas = WeakSet.prototype.has;
const MapCtor = Map, mapGet = Map.prototype.get, mapSet = Map.prototype.set;
const WeakMapCtor = WeakMap, weakMapGet = WeakMap.prototype.get, weakMapSet = WeakMap.prototype.set;
const setSizeGetter = getOwnPropertyDescriptor(Set.prototype, 'size').get;
const mapSizeGetter = getOwnPropertyDescriptor(Map.prototype, 'size').get;
const nativeSetPrototypeOf = O.setPrototypeOf;
const NativeSet = Set, setAdd = Set.prototype.add, setHas = Set.prototype.has, setValues = Set.prototype.values, mapKeys = Map.prototype.keys;
const setIteratorNext = getPrototypeOf(new Set().values()).next, mapIteratorNext = getPrototypeOf(new Map().keys()).next;
const TypedArrayProto = getPrototypeOf(Uint8Array.prototype);
const taLength = getOwnPropertyDescriptor(TypedArrayProto, 'length').get;
const abByteLength = getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
const regexSource = getOwnPropertyDescriptor(RegExp.prototype, 'source').get;
const symbolIterator = Symbol.iterator;
const taTag = getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
const host = __hc_host;
const OOG = freeze({ __proto__: null });

/* The gas counter is a closure variable of each contract's script (the
   injected checks read it by name); bind() hands the prelude its accessors. */
let charge, gasLeft, setGas, __hc_oog;
function bind(chargeFn, gasLeftFn, setGasFn, oogFn) {
  charge = chargeFn; gasLeft = gasLeftFn; setGas = setGasFn; __hc_oog = oogFn;
}
function __hc_big() { __hc_oog(); }
function isOom(e) {
  if (e === null || typeof e !== 'object' || getPrototypeOf(e) !== InternalErrorProto) return false;
  const d = getOwnPropertyDescriptor(e, 'message');
  return d !== undefined && d.value === 'out of memory';
}
/* Every Error QuickJS makes (a constructor, or the engine's own TypeError,
   RangeError, stack overflow...) walks all stack frames and scans each
   frame's line table up to the frame's function size, natively. Once a
   contract can see an error (a catch, the wrapped constructors, the revert
   of a call) it pays for that walk: one price per line of the error's own
   stack (one line per frame), sized by the largest function that can be on
   the stack (the contract's, known when it was instrumented, or the
   prelude's). Each error is paid once; only a genuine own data property is
   read, so no contract code runs; other thrown values cost nothing extra. */
let errorFrameGas = K.errorFrameBase + ceil(K.preludeFunctionChars / K.errorCharsPerGas);
function setFrameChars(chars) {
  errorFrameGas = K.errorFrameBase + ceil((chars > K.preludeFunctionChars ? chars : K.preludeFunctionChars) / K.errorCharsPerGas);
}
const chargedErrors = new WeakSetCtor();
/* The walk's price: one per line (frame) of the stack string, plus its bytes (a frame line carries
   its function's name, and a computed name may be 4,096 characters, 12 KB of UTF-8 per frame). */
function stackGas(s) {
  let n = 0, from = 0;
  for (;;) {
    const at = apply(stringIndexOf, s, ['\\n', from]);
    if (at < 0) break;
    n++;
    from = at + 1;
  }
  return (from < s.length ? n + 1 : n) * errorFrameGas + ceil((s.length * 3) / K.charsPerGas);
}
/* Descriptors the prelude passes while contract code runs have no prototype: a field inherited from
   Object.prototype (a contract may give it a getter) would be read as part of the descriptor. */
const UNCONFIGURABLE = freeze({ __proto__: null, configurable: false });
function chargeError(e) {
  if (e === null || typeof e !== 'object' || isProxy(e) || apply(weakSetHas, chargedErrors, [e])) return e;
  apply(weakSetAdd, chargedErrors, [e]);
  const d = getOwnPropertyDescriptor(e, 'stack');
  if (d === undefined) return e;
  if (typeof d.value === 'string') charge(stackGas(d.value));
  /* QuickJS walks the stack again whenever an error without an own stack is thrown: a paid error
     whose stack could be deleted would be re-thrown for a fresh walk each time, for nothing. */
  if (d.configurable) defineProperty(e, 'stack', UNCONFIGURABLE);
  return e;
}
function __hc_ck(e) { if (gasLeft() < 0 || isOom(e)) __hc_oog(); chargeError(e); }
function chargeChars(len) { charge(K.builtinBase + ceil(len / K.charsPerGas)); }
function chargeElements(len) { charge(K.builtinBase + len * K.perElement); }
function chargeTyped(len) { charge(K.builtinBase + len * K.perTypedElement); }
function capString(s) { if (typeof s === 'string' && s.length > K.maxStringLength) __hc_big(); return s; }
/* A string made natively (join, toString, replace...): capped, then paid by its length. */
function __hc_cat(s) {
  if (s.length > K.maxStringLength) __hc_big();
  charge(ceil(s.length / K.concatCharsPerGas));
}
function madeString(s) {
  if (typeof s === 'string') { capString(s); if (s.length > K.stringFreeChars) charge(ceil(s.length / K.charsPerGas)); }
  return s;
}
/* Operands (see instrument.ts): compared or hashed strings by length, converted ones at the number parser's price. */
function longChars(v) { return typeof v === 'string' && v.length > K.stringFreeChars ? v.length : 0; }
function __hc_s(v, times) { charge(times * ceil(v.length / K.charsPerGas)); return v; }
function conversionCost(v) {
  if (typeof v === 'string') return longChars(v) * K.toNumberPerChar;
  if ((typeof v === 'object' && v !== null) || typeof v === 'function') return K.objectOperand;
  return 0;
}
function __hc_q(v) { const c = conversionCost(v); if (c > 0) charge(c); return v; }
function __hc_l(v) { const n = longChars(v); if (n > 0) charge(n * K.toNumberPerChar); return v; }
/* Wrappers visit their arguments in interpreted loops (~120 ns each, measured with Math.max): beyond
   the few a call site can write out, each argument pays (apply and bound functions deliver up to 65,535). */
function chargeArguments(args) {
  if (args.length > K.freeArguments) charge((args.length - K.freeArguments) * K.perArgument);
}
/* Arguments a built-in may convert to numbers. Nearly every wrapper passes through here once: its
   entry price is charged here too (a wrapper call runs ~0.3-1.4 us of interpreted code, measured as a
   native map's callback, where the caller pays only perElement for it). */
function chargeConversions(args) {
  charge(K.wrapperEntry);
  chargeArguments(args);
  let n = 0;
  for (let i = 0; i < args.length; i++) n += longChars(args[i]);
  if (n > 0) charge(n * K.toNumberPerChar);
}
/* ToPrimitive with the number hint, as the engine would run it (Symbol.toPrimitive, else valueOf then
   toString, each looked up once): a built-in converting an object converts the string its valueOf hands
   back natively, unpaid (Number(new String('1'.repeat(4096))) ran at ~1,500 ns per gas). The primitive
   is passed on instead of the object, so its conversion is paid by chargeConversions. */
function toPrimitiveNumber(x) {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return x;
  const exotic = x[Symbol.toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    const r = apply(exotic, x, ['number']);
    if (r !== null && (typeof r === 'object' || typeof r === 'function')) fail(TypeErrorCtor, 'cannot convert object to primitive value');
    return r;
  }
  const valueOf = x.valueOf;
  if (typeof valueOf === 'function') {
    const r = apply(valueOf, x, []);
    if (r === null || (typeof r !== 'object' && typeof r !== 'function')) return r;
  }
  const toString = x.toString;
  if (typeof toString === 'function') {
    const r = apply(toString, x, []);
    if (r === null || (typeof r !== 'object' && typeof r !== 'function')) return r;
  }
  fail(TypeErrorCtor, 'cannot convert object to primitive value');
}
/* The first count arguments, which a built-in converts to numbers: objects become primitives here first
   (a later argument may be a callback's extra, or a flag the built-in only tests for truth). */
function numericArguments(args, count) {
  const n = count < args.length ? count : args.length;
  for (let i = 0; i < n; i++) args[i] = toPrimitiveNumber(args[i]);
  chargeConversions(args);
  return args;
}
/* Elements a typed array converts to numbers. */
function chargeElementConversions(arr) {
  if (!isPlainArray(arr)) return;
  /* Its length read once: an element getter could lengthen it under this loop. */
  const length = arr.length;
  let n = 0;
  for (let i = 0; i < length; i++) n += longChars(arr[i]);
  if (n > 0) charge(n * K.toNumberPerChar);
}
/* QuickJS writes a double as the shortest string that reads back, slowly at the edges of the range:
   ~75 us for a denormal (5e-324), ~15-25 us past 1e250 or below 1e-250, ~1-6 us otherwise (measured;
   Array(500).fill(5e-324).join() ran at ~30,000 ns per gas). Built-ins that write numbers as strings
   (join, toString, toLocaleString, the default sort, JSON.stringify, Number's methods) pay this per number. */
function dtoaCost(v) {
  if (typeof v !== 'number' || v === 0 || v !== v || NumberCtor.isSafeInteger(v)) return 0;
  const a = v < 0 ? -v : v;
  if (a === Infinity) return 0;
  if (a < 2.2250738585072014e-308) return K.dtoaDenormal;
  return a > 1e250 || a < 1e-250 ? K.dtoaExtreme : K.dtoaDouble;
}
/* After a walk that read elements (a getter on Array.prototype answers for a hole, and may lengthen the
   array: join then walked 2^32 - 1 indexes natively), the length the native will read must be the one paid. */
function sameLength(arr, length) {
  if (arr.length !== length) fail(TypeErrorCtor, 'the array changed length while it was measured');
}
function elementsDtoaCost(arr, length) {
  let n = 0;
  for (let i = 0; i < length; i++) n += dtoaCost(arr[i]);
  return n;
}
/* A callback whose results a typed array converts to numbers. */
function convertingCallback(fn) {
  if (typeof fn !== 'function') return fn;
  return function (v, i, a) { return __hc_q(apply(fn, this, [v, i, a])); };
}
/* o.p++ / o[k] -= x: the old value is read here once (a getter runs twice) and charged as a conversion. */
function __hc_un(o, key) { __hc_q(o[key]); return o; }
/* Objects whose computed key is being evaluated, innermost last (no prototype: contracts cannot hook it). */
const pendingTargets = { __proto__: null };
let pendingTop = 0;
function __hc_up(o) { pendingTargets[pendingTop++] = o; return o; }
function __hc_uk(key) {
  const o = pendingTargets[--pendingTop];
  pendingTargets[pendingTop] = undefined;
  __hc_q(o[key]);
  return key;
}
function capNewLength(n) {
  if (!(n <= K.maxArrayLength)) throw new RangeErrorCtor('length exceeds the contract limit of ' + K.maxArrayLength);
}
function toStr(x) {
  if (x === undefined || x === null) fail(TypeErrorCtor, 'cannot convert ' + x + ' to a string');
  return typeof x === 'string' ? x : StringCtor(x);
}
function fail(C, message) { throw new C(message); }

const proxies = new WeakSetCtor();
function isProxy(x) { return apply(weakSetHas, proxies, [x]); }
function isPlainArray(x) { return isArray(x) && !isProxy(x); }
function typedLength(x) { return apply(taLength, x, []); }
/* The toStringTag getter answers undefined for anything but a typed array: no error made (see chargeError). */
function isTyped(x) {
  if (x === null || typeof x !== 'object' || isProxy(x)) return false;
  return apply(taTag, x, []) !== undefined;
}
function isArrayBuffer(x) {
  if (x === null || typeof x !== 'object' || isProxy(x)) return false;
  try { apply(abByteLength, x, []); return true; } catch (e) { __hc_ck(e); return false; }
}
function sizeOf(x) {
  if (typeof x === 'string') return x.length;
  if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return 0;
  if (isPlainArray(x)) return x.length;
  if (isTyped(x)) return typedLength(x);
  return ownKeys(x).length;
}

/* Arrays the prelude fills and hands to natives are made without a prototype while it fills them, so an
   index setter a contract puts on Array.prototype never sees them (one kept the array a Set method's
   native walked and set its length to 2^32 - 1: the node was held for minutes), then given
   Array.prototype back if they leave the prelude. A contract's own array is never handed to a native
   that iterates it: an element getter could lengthen it under the native's loop. */
function privateArray() { const a = []; nativeSetPrototypeOf(a, null); return a; }
function published(a) { nativeSetPrototypeOf(a, ArrayProto); return a; }
/* Spread, Array.from, collection constructors: drain iterators under metering. */
const arrayValues = Array.prototype.values;
function __hc_it(x) {
  if (typeof x === 'string') { charge(K.builtinBase + x.length * K.splitPerChar); return x; }
  if (isPlainArray(x) && !hasOwn(x, symbolIterator)) {
    const n = x.length;
    chargeElements(n);
    const out = privateArray();
    for (let i = 0; i < n; i++) out[i] = x[i];
    return published(out);
  }
  return drain(x);
}
function drain(x) {
  if (x === null || x === undefined) fail(TypeErrorCtor, 'value is not iterable');
  const iterator = apply(x[symbolIterator], x, []);
  if (iterator === null || typeof iterator !== 'object') fail(TypeErrorCtor, 'iterator is not an object');
  const next = iterator.next;
  const out = privateArray();
  for (;;) {
    charge(K.drainStep);
    const step = apply(next, iterator, []);
    if (step === null || typeof step !== 'object') fail(TypeErrorCtor, 'iterator result is not an object');
    if (step.done) return published(out);
    capNewLength(out.length + 1);
    out[out.length] = step.value;
  }
}
/* for-of and array destructuring (see instrument.ts): a native iterator of a plain array or string has
   no return() (locked below), so closing it runs no contract code; anything else is drained first. */
function nativelyIterable(x) {
  return typeof x === 'string' || (isPlainArray(x) && !hasOwn(x, symbolIterator) && getPrototypeOf(x) === ArrayProto);
}
function __hc_fo(x) { return nativelyIterable(x) ? x : drain(x); }
function __hc_fe(x) {
  const items = __hc_fo(x);
  if (typeof items === 'string') return items;
  const out = privateArray();
  const n = items.length;
  for (let i = 0; i < n; i++) { charge(K.perElement); out[i] = __hc_fo(items[i]); }
  return published(out);
}
/* Enumerating an object's own keys costs several times more per key than visiting an array element. */
function enumCost(x) {
  if (x !== null && (typeof x === 'object' || typeof x === 'function') && !isPlainArray(x) && !isTyped(x)) {
    return ownKeys(x).length * K.perKey;
  }
  return sizeOf(x) * K.perElement;
}
function __hc_os(x) { charge(K.builtinBase + enumCost(x)); return x; }
function __hc_fi(x) { charge(K.builtinBase + enumCost(x)); return x; }
function collected(items) {
  const out = __hc_it(items);
  charge(out.length * K.collectionPerElement);
  let chars = 0;
  for (let i = 0; i < out.length; i++) {
    const e = out[i];
    chars += isPlainArray(e) ? longChars(e[0]) : longChars(e);
  }
  if (chars > 0) charge(ceil(chars / K.charsPerGas));
  return out;
}

function setMethod(target, name, fn) {
  const d = getOwnPropertyDescriptor(target, name);
  d.value = fn;
  defineProperty(target, name, d);
}
function lockProperty(target, key) {
  defineProperty(target, key, { value: target[key], writable: false, configurable: false, enumerable: false });
}

/* Remove nondeterminism and code generation. Eval stays an intrinsic because
   the host's own evalCode needs it; only the sandbox's bindings go. */
/* Promise too: its jobs never run in a call, and a rejection swallows an error no catch clause paid for. */
for (const name of ['Date', 'WeakRef', 'FinalizationRegistry', 'eval', 'Function', 'SharedArrayBuffer', 'Atomics',
  'Iterator', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Promise']) {
  delete G[name];
}
delete Math.random;
delete String.raw;
/* Newer than this metering: each walks its argument natively for one wrapper's price (sumPrecise over a
   million elements, escape past the string cap), 2,400-3,100 ns a gas where a metered loop costs 14. */
delete Math.sumPrecise;
delete RegExp.escape;
/* Non-standard, and it drained an iterable natively: a million steps for one call's gas. */
delete Set.groupBy;
delete DataView.prototype.getBigInt64; delete DataView.prototype.setBigInt64;
delete DataView.prototype.getBigUint64; delete DataView.prototype.setBigUint64;
function noCodeGeneration() { throw new TypeErrorCtor('code generation is disabled in contracts'); }
for (const fn of [function () {}, function* () {}, async function () {}, async function* () {}]) {
  const proto = getPrototypeOf(fn);
  defineProperty(proto, 'constructor', { value: noCodeGeneration, writable: false, configurable: false });
}
const IteratorProto = getPrototypeOf(getPrototypeOf([][symbolIterator]()));
for (const name of getOwnPropertyNames(IteratorProto)) {
  if (name !== 'constructor' && typeof getOwnPropertyDescriptor(IteratorProto, name).value === 'function') {
    delete IteratorProto[name];
  }
}
/* The fast path of __hc_it trusts these natives: keep contracts from swapping them. */
lockProperty(Array.prototype, symbolIterator);
lockProperty(getPrototypeOf([][symbolIterator]()), 'next');
lockProperty(String.prototype, symbolIterator);
lockProperty(getPrototypeOf(''[symbolIterator]()), 'next');
/* Array and string iterators never have a return() (a closing for-of would run it and drop its error):
   an own undefined, locked, hides any Object.prototype.return; their prototypes take no new properties. */
defineProperty(IteratorProto, 'return', { value: undefined, writable: false, configurable: false, enumerable: false });
O.preventExtensions(getPrototypeOf([][symbolIterator]()));
O.preventExtensions(getPrototypeOf(''[symbolIterator]()));

/* Prototype chains hold at most K.maxPrototypeChain objects: a lookup that fails walks the whole
   chain natively for one member access's gas. A chain only grows where an object is made on a
   prototype, so every such place checks the prototype's chain: Object.create, a literal __proto__,
   class heritage and a proxy's target (a lookup on a proxy without a get trap walks its target's
   chain). Everything else builds on a constructor's prototype property, which is never writable
   here (see __hc_sf), and prototypes are never changed after an object is made (setPrototypeOf). */
const proxyTargets = new WeakMapCtor();
/* Each checked prototype's chain length, so a chain grown one object at a time is walked one link at a
   time. A chain never grows after an object is made, and only shrinks (a prototype set to null): a
   remembered length is never short. */
const chainLengths = new WeakMapCtor();
const nativeBindOf = getPrototypeOf(weakMapGet).bind;
const proxyTarget = apply(nativeBindOf, weakMapGet, [proxyTargets]);
const knownLength = apply(nativeBindOf, weakMapGet, [chainLengths]), rememberLength = apply(nativeBindOf, weakMapSet, [chainLengths]);
function chainLength(p) {
  let n = 0, below = 0, q = p;
  while (q !== null && (typeof q === 'object' || typeof q === 'function')) {
    const known = knownLength(q);
    if (known !== undefined) { below = known; break; }
    if (++n > K.maxPrototypeChain) break;
    /* A contract's proxy is walked through its target, without running its getPrototypeOf trap. */
    const target = proxyTarget(q);
    q = target !== undefined ? target : getPrototypeOf(q);
  }
  charge(K.prototypeCheck + n * K.prototypeLink);
  const length = n + below;
  if (length <= K.maxPrototypeChain) rememberLength(p, length);
  return length;
}
/* An object made on prototype p (with extra more objects below it on the chain); p is returned. */
function chainRoom(p, extra) {
  if (chainLength(p) + extra > K.maxPrototypeChain) {
    fail(TypeErrorCtor, 'prototype chains are limited to ' + K.maxPrototypeChain + ' objects in contracts');
  }
  return p;
}
/* A lookup that reaches a proxy looks its trap up on the handler, then, with no trap, goes on to the
   target: a proxy weighs one link plus its handler's chain plus its target's. Counting the target
   alone, new Proxy(new Proxy(T, D), D) doubled the work of each level: 28 levels held one lookup
   for 33 s. The weight is remembered as the proxy's chain length; neither part can change. (The
   handler is the prelude's own, see proxyHandler, one link.) */
function proxyWeight(target, handler) {
  /* A function's proxy could stand as a constructor or new.target whose prototype a get trap decides. */
  if (typeof target === 'function') fail(TypeErrorCtor, 'proxies of functions are not supported in contracts');
  let weight = 1;
  if (target !== null && typeof target === 'object') weight += chainLength(target);
  if (handler !== null && (typeof handler === 'object' || typeof handler === 'function')) weight += chainLength(handler);
  if (weight > K.maxPrototypeChain) fail(TypeErrorCtor, 'prototype chains are limited to ' + K.maxPrototypeChain + ' objects in contracts');
  return weight;
}

/* A proxy gets a handler of the prelude's: the contract's traps are read once, as the proxy is made, and
   called on its handler as the engine would. Its ownKeys answer must be a plain array of at most
   K.maxProxyKeys keys, paid for as QuickJS checks it for duplicates, pairwise (an ownKeys trap answering
   20,000 keys made JSON.stringify of the proxy take ~150 ms for 175 gas). */
const trapNames = ['getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions', 'getOwnPropertyDescriptor',
  'defineProperty', 'has', 'get', 'set', 'deleteProperty', 'ownKeys'];
function proxyHandler(handler) {
  if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) return handler;
  const out = { __proto__: null };
  for (let i = 0; i < trapNames.length; i++) {
    const name = trapNames[i];
    const trap = handler[name];
    if (trap === undefined || trap === null) continue;
    if (typeof trap !== 'function') fail(TypeErrorCtor, 'proxy trap ' + name + ' is not a function');
    out[name] = name === 'ownKeys'
      ? function (target) {
        const keys = apply(trap, handler, [target]);
        if (!isPlainArray(keys)) fail(TypeErrorCtor, 'a proxy ownKeys trap must return an array in contracts');
        const n = keys.length;
        if (n > K.maxProxyKeys) fail(RangeErrorCtor, 'a proxy ownKeys trap may return at most ' + K.maxProxyKeys + ' keys in contracts');
        charge(n * K.perKey + ceil((n * n) / K.searchComparisonsPerGas));
        return keys;
      }
      : function () { return apply(trap, handler, arguments); };
  }
  return freeze(out);
}

/* Proxies are tracked so array wrappers can refuse them: a length trap could
   report a small length to the meter and a huge one to the native method. */
const ProxyCtor = Proxy, proxyRevocable = Proxy.revocable;
defineProperty(ProxyCtor, 'revocable', { value: function revocable(target, handler) {
  const own = proxyHandler(handler);
  const weight = proxyWeight(target, own);
  const r = proxyRevocable(target, own);
  apply(weakSetAdd, proxies, [r.proxy]);
  apply(weakMapSet, proxyTargets, [r.proxy, target]);
  rememberLength(r.proxy, weight);
  return r;
}, writable: false, configurable: false });
const proxyWrapper = new ProxyCtor(ProxyCtor, {
  construct: function (t, args, newTarget) {
    const target = args[0];
    if (args.length > 1) args[1] = proxyHandler(args[1]);
    const weight = proxyWeight(target, args[1]);
    const p = construct(t, args, newTarget === proxyWrapper ? t : newTarget);
    apply(weakSetAdd, proxies, [p]);
    apply(weakMapSet, proxyTargets, [p, target]);
    rememberLength(p, weight);
    return p;
  },
});
G.Proxy = proxyWrapper;

/* Arrays: charge by length before the native loop runs. */
const ArrayProto = Array.prototype;
const arrayConstant = { at: 1, pop: 1, push: 1, entries: 1, keys: 1, values: 1, constructor: 1 };
function requireArray(self, name) {
  if (!isPlainArray(self)) fail(TypeErrorCtor, 'Array.prototype.' + name + ' requires a real array in contracts');
}
for (const name of getOwnPropertyNames(ArrayProto)) {
  const original = getOwnPropertyDescriptor(ArrayProto, name).value;
  if (typeof original !== 'function' || hasOwn(arrayConstant, name)) continue;
  let wrapped;
  if (name === 'sort' || name === 'toSorted') {
    wrapped = function (compare) {
      requireArray(this, name);
      const n = this.length;
      chargeTyped(n * ceil(log2(n + 2)) * 4);
      if (compare === undefined) {
        // The default order compares strings natively: each comparison up to the longest string.
        let longest = 0, dtoa = 0;
        for (let i = 0; i < n; i++) {
          const e = this[i];
          // An object is converted to a string again for every comparison, natively for a String or a RegExp.
          const c = e !== null && (typeof e === 'object' || typeof e === 'function') ? K.maxStringLength : longChars(e);
          if (c > longest) longest = c;
          const d = dtoaCost(e);
          if (d > dtoa) dtoa = d;
        }
        // Each comparison writes both numbers as strings again.
        if (dtoa > 0) charge(n * ceil(log2(n + 2)) * 2 * dtoa);
        sameLength(this, n);
        if (longest > 0) charge(n * ceil(log2(n + 2)) * ceil(longest / K.charsPerGas));
      }
      return apply(original, this, arguments);
    };
  } else if (name === 'includes' || name === 'indexOf' || name === 'lastIndexOf') {
    wrapped = function (search) {
      requireArray(this, name);
      chargeElements(this.length);
      // Each element compared with a string reads up to the search string's length.
      const c = longChars(search);
      if (c > 0) charge(this.length * ceil(c / K.charsPerGas));
      chargeConversions([arguments[1]]);
      return apply(original, this, arguments);
    };
  } else if (name === 'concat') {
    /* Written here: the native reads each argument's length only when it reaches it, after contract code
       (an element getter, a Symbol.isConcatSpreadable getter) could set it to 2^32 - 1, and then checked
       every missing index natively (minutes). Each length is read once, before anything is copied; plain
       arrays are spread, anything else appended (no Symbol.isConcatSpreadable, no species). */
    wrapped = function () {
      requireArray(this, name);
      chargeArguments(arguments);
      const parts = privateArray(), lengths = privateArray();
      parts[0] = this;
      for (let i = 0; i < arguments.length; i++) parts[i + 1] = arguments[i];
      let n = 0;
      for (let i = 0; i < parts.length; i++) {
        lengths[i] = isPlainArray(parts[i]) ? parts[i].length : -1;
        n += lengths[i] < 0 ? 1 : lengths[i];
      }
      chargeElements(n);
      capNewLength(n);
      const out = privateArray();
      let k = 0;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (lengths[i] < 0) { out[k++] = part; continue; }
        for (let j = 0; j < lengths[i]; j++, k++) if (j in part) out[k] = part[j];
      }
      out.length = k;
      return published(out);
    };
  } else if (name === 'flat' || name === 'flatMap') {
    wrapped = name === 'flat' ? meteredFlat : meteredFlatMap;
  } else if (name === 'fill') {
    wrapped = function () {
      requireArray(this, name);
      capNewLength(this.length);
      chargeElements(this.length);
      return apply(original, this, arguments);
    };
  } else {
    wrapped = function () {
      requireArray(this, name);
      const length = this.length;
      chargeElements(length);
      if (name === 'join' || name === 'toString' || name === 'toLocaleString') {
        charge(elementsDtoaCost(this, length));
        sameLength(this, length);
      }
      chargeConversions(arguments);
      return madeString(apply(original, this, arguments));
    };
  }
  setMethod(ArrayProto, name, wrapped);
}
function flatInto(out, source, depth) {
  for (let i = 0; i < source.length; i++) {
    charge(K.perElement);
    if (!(i in source)) continue;
    const v = source[i];
    if (depth > 0 && isArray(v)) {
      if (isProxy(v)) fail(TypeErrorCtor, 'cannot flatten a proxy');
      flatInto(out, v, depth - 1);
    } else {
      capNewLength(out.length + 1);
      out[out.length] = v;
    }
  }
}
function meteredFlat(depth) {
  requireArray(this, 'flat');
  const out = [];
  flatInto(out, this, depth === undefined ? 1 : NumberCtor(depth));
  return out;
}
function meteredFlatMap(fn, thisArg) {
  requireArray(this, 'flatMap');
  if (typeof fn !== 'function') fail(TypeErrorCtor, 'flatMap callback is not a function');
  const out = [];
  for (let i = 0; i < this.length; i++) {
    charge(K.perElement);
    if (!(i in this)) continue;
    flatInto(out, [apply(fn, thisArg, [this[i], i, this])], 1);
  }
  return out;
}
const arrayFrom = Array.from;
setMethod(Array, 'from', function from(items, mapFn, thisArg) {
  const source = __hc_it(items);
  return mapFn === undefined ? apply(arrayFrom, Array, [source]) : apply(arrayFrom, Array, [source, mapFn, thisArg]);
});

/* Typed arrays and buffers: allocation and every whole-array method by length. */
const typedConstant = { at: 1, entries: 1, keys: 1, values: 1, subarray: 1, constructor: 1 };
for (const name of getOwnPropertyNames(TypedArrayProto)) {
  const d = getOwnPropertyDescriptor(TypedArrayProto, name);
  const original = d.value;
  if (typeof original !== 'function' || hasOwn(typedConstant, name)) continue;
  setMethod(TypedArrayProto, name, function () {
    let n = typedLength(this);
    if (name === 'map') {
      // Each element goes through the converting callback (an interpreted call) and is stored back.
      chargeElements(n);
      return apply(original, this, [convertingCallback(arguments[0]), arguments[1]]);
    }
    if (name === 'set') {
      const src = arguments[0];
      chargeElementConversions(src);
      if (isPlainArray(src)) n += src.length;
      else if (isTyped(src)) n += typedLength(src);
      else fail(TypeErrorCtor, 'TypedArray.prototype.set needs an array or typed array in contracts');
    }
    if (name === 'sort' || name === 'toSorted') n = n * ceil(log2(n + 2)) * 4;
    chargeTyped(n);
    if (name === 'join' || name === 'toString' || name === 'toLocaleString') charge(elementsDtoaCost(this, typedLength(this)));
    chargeConversions(arguments);
    return madeString(apply(original, this, arguments));
  });
}
function typedSourceLength(x) {
  if (typeof x === 'number') return x;
  if (x === undefined) return 0;
  if (isPlainArray(x)) return x.length;
  if (isTyped(x)) return typedLength(x);
  if (isArrayBuffer(x)) return 0;
  return -1;
}
function meterConstructor(C, measure) {
  const wrapper = new ProxyCtor(C, {
    construct: function (t, args, newTarget) {
      return construct(t, measure(args), newTarget === wrapper ? t : newTarget);
    },
    apply: function (t, thisArg, args) { return apply(t, thisArg, measure(args)); },
  });
  C.prototype.constructor = wrapper;
  G[C.name] = wrapper;
  return wrapper;
}
for (const C of [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  G.Float16Array, Float32Array, Float64Array]) {
  if (C === undefined) continue;
  const typedFrom = C.from;
  const wrapper = meterConstructor(C, function (args) {
    /* A primitive first argument is a length: converted once, here, and that number passed on (a
       numeric string was metered by its own length while the native allocated what it said). */
    const first = args[0];
    if (first !== undefined && (first === null || (typeof first !== 'object' && typeof first !== 'function'))) {
      chargeConversions([first]);
      args = [NumberCtor(first)];
    }
    let n = typedSourceLength(args[0]);
    if (n < 0 || isPlainArray(args[0])) { args = [__hc_it(args[0])]; n = args[0].length; }
    capNewLength(n);
    chargeTyped(n);
    chargeElementConversions(args[0]);
    return args;
  });
  const typedOf = C.of;
  defineProperty(C, 'from', { value: function from(items, mapFn, thisArg) {
    const source = __hc_it(items);
    capNewLength(source.length);
    if (mapFn === undefined) chargeElementConversions(source);
    return apply(typedFrom, wrapper, mapFn === undefined ? [source] : [source, convertingCallback(mapFn), thisArg]);
  }, writable: true, configurable: true });
  defineProperty(C, 'of', { value: function of() {
    chargeTyped(arguments.length);
    chargeConversions(arguments);
    return apply(typedOf, wrapper, arguments);
  }, writable: true, configurable: true });
}
/* The typed arrays' shared parent is reachable (getPrototypeOf(Uint8Array)): its from drained any iterable
   natively (a never-done next ran until memory ran out) and its of was unpaid. */
(function () {
  const TypedArrayCtor = getPrototypeOf(Uint8Array);
  const sharedFrom = TypedArrayCtor.from, sharedOf = TypedArrayCtor.of;
  setMethod(TypedArrayCtor, 'from', function from(items, mapFn, thisArg) {
    const source = __hc_it(items);
    capNewLength(source.length);
    chargeTyped(source.length);
    if (mapFn === undefined) chargeElementConversions(source);
    return apply(sharedFrom, this, mapFn === undefined ? [source] : [source, convertingCallback(mapFn), thisArg]);
  });
  setMethod(TypedArrayCtor, 'of', function of() {
    chargeTyped(arguments.length);
    chargeConversions(arguments);
    return apply(sharedOf, this, arguments);
  });
})();
/* Sizes are converted once here and those numbers passed on: a valueOf cannot show the meter one size and the native another. */
meterConstructor(ArrayBuffer, function (args) {
  chargeConversions([args[0]]);
  const length = args[0] === undefined ? 0 : NumberCtor(args[0]);
  let n = length > 0 ? length : 0;
  let out = [length];
  const options = args[1];
  if (options !== null && typeof options === 'object') {
    const given = options.maxByteLength;
    chargeConversions([given]);
    const max = given === undefined ? undefined : NumberCtor(given);
    if (max > n) n = max;
    out = [length, { maxByteLength: max }];
  }
  capNewLength(n);
  chargeChars(n);
  return out;
});
for (const name of ['slice', 'resize', 'transfer', 'transferToFixedLength']) {
  const original = ArrayBuffer.prototype[name];
  if (typeof original !== 'function') continue;
  /* A new length is converted once, here, and that number passed on: a string ('4194304') or an object
     was charged as 0 and allocated by the native. transfer() without one keeps the old length. */
  setMethod(ArrayBuffer.prototype, name, function () {
    const n = apply(abByteLength, this, []);
    chargeConversions(arguments);
    if (name === 'slice') { chargeChars(n); return apply(original, this, arguments); }
    const given = arguments[0];
    const args = given === undefined ? [] : [NumberCtor(given)];
    const requested = given === undefined ? (name === 'resize' ? 0 : n) : args[0];
    capNewLength(requested > 0 ? requested : 0);
    chargeChars(n + (requested > 0 ? requested : 0));
    return apply(original, this, args);
  });
}

for (const name of getOwnPropertyNames(DataView.prototype)) {
  const original = getOwnPropertyDescriptor(DataView.prototype, name).value;
  if (typeof original !== 'function' || name === 'constructor') continue;
  setMethod(DataView.prototype, name, function () { return apply(original, this, numericArguments(arguments, original.length)); });
}

/* Collections built from iterables. */
/* Set operations hash every element of both sets again: each Set remembers (an upper bound of) the
   code units of the long strings added to it (its constructor adds through Set.prototype.add too),
   and an operation pays for both sets' strings. */
const setChars = new WeakMapCtor();
function charsOf(x) { const c = apply(weakMapGet, setChars, [x]); return c === undefined ? 0 : c; }
function addChars(set, c) { if (c > 0) apply(weakMapSet, setChars, [set, charsOf(set) + c]); }
for (const C of [Map, Set, WeakMap, WeakSet]) {
  meterConstructor(C, function (args) { return args[0] === undefined || args[0] === null ? args : [collected(args[0])]; });
}
/* The native methods take any set-like object and walk its keys() natively, with whatever next() its
   iterator's prototype has: a contract's next (Object.prototype.valueOf: never done) held the node
   forever, and a fake size and keys() walked a million elements for one call's gas. Only a Set or a Map
   is taken; its elements are copied here, by the captured iterators, one charged step at a time, and
   the native method gets a record of that copy whose keys() iterates a plain array (whose next is
   locked). */
function setRecordOf(other) {
  let values, next;
  try { apply(setSizeGetter, other, []); values = setValues; next = setIteratorNext; } catch (e) {
    __hc_ck(e);
    try { apply(mapSizeGetter, other, []); values = mapKeys; next = mapIteratorNext; } catch (e2) {
      __hc_ck(e2);
      fail(TypeErrorCtor, 'Set methods take a Set or a Map in contracts');
    }
  }
  const iterator = apply(values, other, []);
  const items = privateArray();
  /* Added by the captured add: the constructor would look add up on Set.prototype, which a contract may replace. */
  const copy = construct(NativeSet, []);
  let chars = 0;
  for (;;) {
    const step = apply(next, iterator, []);
    if (step.done) break;
    charge(K.perElement + K.collectionPerElement);
    items[items.length] = step.value;
    apply(setAdd, copy, [step.value]);
    chars += longChars(step.value);
  }
  /* Its long strings are hashed again (a Map's keys as well as a Set's, which charsOf does not know). */
  if (chars > 0) charge(K.setOperationHashes * ceil(chars / K.charsPerGas));
  return freeze({ __proto__: null, size: items.length,
    has: function (v) { return apply(setHas, copy, [v]); },
    keys: function () { return apply(arrayValues, items, []); } });
}
for (const name of ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom']) {
  const original = Set.prototype[name];
  if (typeof original !== 'function') continue;
  setMethod(Set.prototype, name, function (other) {
    chargeElements(apply(setSizeGetter, this, []));
    const record = setRecordOf(other);
    const own = charsOf(this);
    if (own > 0) charge(K.setOperationHashes * ceil(own / K.charsPerGas));
    const out = apply(original, this, [record]);
    if (out !== null && typeof out === 'object') addChars(out, own + charsOf(other));
    return out;
  });
}
/* Map and Set hash a string key natively on every access. */
for (const [C, names] of [[Map, ['get', 'set', 'has', 'delete', 'getOrInsert', 'getOrInsertComputed']], [Set, ['add', 'has', 'delete']],
  [WeakMap, ['getOrInsert', 'getOrInsertComputed']]]) {
  for (const name of names) {
    const original = C.prototype[name];
    if (typeof original !== 'function') continue;
    setMethod(C.prototype, name, function (key) {
      charge(K.wrapperEntry);
      const c = longChars(key);
      if (c > 0) charge(ceil(c / K.charsPerGas));
      const out = apply(original, this, arguments);
      if (C === Set && name === 'add') addChars(this, c);
      return out;
    });
  }
}
for (const [C, sizeGetter] of [[Map, mapSizeGetter], [Set, setSizeGetter]]) {
  const clear = C.prototype.clear, forEach = C.prototype.forEach;
  setMethod(C.prototype, 'clear', function () { chargeElements(apply(sizeGetter, this, [])); return apply(clear, this, []); });
  /* Per entry, as an array's forEach: with a built-in callback (m.forEach(Object.is)) no callback of the
     contract's pays for each entry, and 20,000 entries took ~5 ms for one call's gas. Entries added during
     the walk are added by metered calls. */
  setMethod(C.prototype, 'forEach', function () { chargeElements(apply(sizeGetter, this, [])); return apply(forEach, this, arguments); });
}

/* Object enumeration: charge by the number of keys. */
for (const [target, names] of [[Object, ['keys', 'values', 'entries', 'assign', 'getOwnPropertyNames',
  'getOwnPropertyDescriptors', 'getOwnPropertySymbols', 'freeze', 'seal', 'isFrozen', 'isSealed', 'preventExtensions']],
  [Reflect, ['ownKeys']]]) {
  for (const name of names) {
    const original = target[name];
    setMethod(target, name, function () {
      let n = K.builtinBase;
      chargeArguments(arguments);
      for (let i = 0; i < arguments.length; i++) n += enumCost(arguments[i]);
      charge(n);
      return apply(original, target, arguments);
    });
  }
}
for (const [target, name] of [[Object, 'fromEntries'], [Object, 'groupBy'], [Map, 'groupBy']]) {
  const original = target[name];
  if (typeof original !== 'function') continue;
  setMethod(target, name, function (items, fn) { return apply(original, target, [collected(items), fn]); });
}

/* QuickJS searches a string for a string naively, up to (n - m + 1) * m comparisons (~2.4 ns each):
   'a'.repeat(4096).indexOf('a'.repeat(2047) + 'b') ran at ~1,500 ns per gas charged by length alone. */
function chargeSearch(n, needle) {
  const m = typeof needle === 'string' ? needle.length : 0;
  if (m > 1 && n >= m) charge(ceil(((n - m + 1) * m) / K.searchComparisonsPerGas));
}
/* A search string that is an object is converted here, once (its toString may hand back any string the
   native would then search unpaid); includes refuses a RegExp, as the native does, deciding once. */
function searchString(x, name) {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return x;
  if (name === 'includes') {
    const m = x[Symbol.match];
    if (m !== undefined ? !!m : regexpSourceOf(x) !== undefined) fail(TypeErrorCtor, 'First argument to String.prototype.includes must not be a regular expression');
  }
  return toStr(x);
}
const searchMethods = { __proto__: null, indexOf: 1, lastIndexOf: 1, includes: 1 };
/* Strings: charge by the length of the receiver and string arguments; creation is capped. */
const StringProto = String.prototype;
const stringConstant = { at: 1, charAt: 1, charCodeAt: 1, codePointAt: 1, valueOf: 1, toString: 1, constructor: 1 };
/* Unicode tables, per code unit of the receiver and string arguments, besides the scan price: NFKD
   expanded U+FDFA at ~720 ns per unit, final-sigma lower-casing and localeCompare of combining marks
   ~76 ns per unit (measured; 1/4 gas per unit ran them at 290-1,600 ns per gas). */
const unicodeCharPrices = { __proto__: null, normalize: K.normalizePerChar, toUpperCase: K.caseMapPerChar,
  toLowerCase: K.caseMapPerChar, toLocaleUpperCase: K.caseMapPerChar, toLocaleLowerCase: K.caseMapPerChar,
  localeCompare: K.caseMapPerChar };
for (const name of getOwnPropertyNames(StringProto)) {
  const original = getOwnPropertyDescriptor(StringProto, name).value;
  if (typeof original !== 'function' || hasOwn(stringConstant, name)) continue;
  let wrapped;
  if (name === 'repeat') {
    // Converted once, by the captured Number, and that number passed on: a contract's valueOf (or a
    // replaced global Number) cannot show the check one count and the native method another.
    wrapped = function (count) {
      const s = toStr(this);
      chargeConversions([count]);
      const c = NumberCtor(count);
      const n = s.length * c;
      if (n > K.maxStringLength) fail(RangeErrorCtor, 'string exceeds the contract limit of ' + K.maxStringLength);
      chargeChars(n);
      return apply(original, s, [c]);
    };
  } else if (name === 'split' || name === 'replace' || name === 'replaceAll') {
    // Up to one new string (split('')) or replacement (replaceAll) per code unit of the receiver.
    /* A pattern object's own method is looked up once and called from here, as the spec does; any other
       object is converted here, once, so its string is searched paid. */
    const symbol = name === 'split' ? Symbol.split : Symbol.replace;
    wrapped = function () {
      const s = toStr(this);
      charge(K.builtinBase + s.length * K.splitPerChar);
      const pattern = arguments[0];
      if (pattern !== null && (typeof pattern === 'object' || typeof pattern === 'function')) {
        if (name === 'replaceAll') {
          const m = pattern[Symbol.match];
          if ((m !== undefined ? !!m : regexpSourceOf(pattern) !== undefined) && apply(stringIndexOf, toStr(pattern.flags), ['g']) < 0) {
            fail(TypeErrorCtor, 'replaceAll must be called with a global RegExp');
          }
        }
        const method = pattern[symbol];
        if (method !== undefined && method !== null) {
          chargeConversions(arguments);
          return madeString(apply(method, pattern, [s, arguments[1]]));
        }
        arguments[0] = toStr(pattern);
      }
      chargeSearch(s.length, arguments[0]);
      chargeConversions(arguments);
      return madeString(apply(original, s, arguments));
    };
  } else if (name === 'padStart' || name === 'padEnd') {
    wrapped = function (length, filler) {
      const s = toStr(this);
      chargeConversions([length]);
      const n = NumberCtor(length);
      if (n > K.maxStringLength) fail(RangeErrorCtor, 'string exceeds the contract limit of ' + K.maxStringLength);
      chargeChars(s.length + n);
      return capString(apply(original, s, [n, filler]));
    };
  } else if (name === 'match' || name === 'matchAll' || name === 'search') {
    /* A pattern that is not a RegExp and has no method of its own for this is compiled natively from its
       string, free and unchecked (new String('^(a*)\\1$') ran a back-reference): it is compiled here by the
       metered constructor, as the spec does after looking the method up once. */
    const symbol = name === 'match' ? Symbol.match : name === 'search' ? Symbol.search : Symbol.matchAll;
    wrapped = function (pattern) {
      const s = toStr(this);
      chargeChars(s.length);
      chargeConversions(arguments);
      if (pattern !== undefined && pattern !== null) {
        if (name === 'matchAll' && regexpSourceOf(pattern) !== undefined && apply(stringIndexOf, toStr(pattern.flags), ['g']) < 0) {
          fail(TypeErrorCtor, 'String.prototype.matchAll called with a non-global RegExp argument');
        }
        const method = pattern[symbol];
        if (method !== undefined && method !== null) return apply(method, pattern, [s]);
      }
      const source = pattern === undefined ? undefined : pattern === null ? 'null' : toStr(pattern);
      const rx = construct(MeteredRegExp, [source, name === 'matchAll' ? 'g' : undefined]);
      return apply(rx[symbol], rx, [s]);
    };
  } else {
    const perChar = hasOwn(unicodeCharPrices, name) ? unicodeCharPrices[name] : 0;
    wrapped = function () {
      const s = toStr(this);
      // localeCompare's argument is converted here, so its length is known (an object's toString could hand back any string).
      const args = name === 'localeCompare' ? [typeof arguments[0] === 'string' ? arguments[0] : StringCtor(arguments[0])] : arguments;
      if (searchMethods[name] === 1 && args.length > 0) {
        args[0] = searchString(args[0], name);
        chargeSearch(s.length, args[0]);
      }
      let n = s.length;
      for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') n += args[i].length;
      chargeChars(n);
      if (perChar > 0) charge(n * perChar);
      chargeConversions(args);
      return capString(apply(original, s, args));
    };
  }
  setMethod(StringProto, name, wrapped);
}
/* Index arguments converted from strings (these methods are otherwise constant-time). */
for (const [proto, names] of [[ArrayProto, ['at']], [TypedArrayProto, ['at', 'subarray']]]) {
  for (const name of names) {
    const original = proto[name];
    setMethod(proto, name, function () { return apply(original, this, numericArguments(arguments, original.length)); });
  }
}
/* Index arguments converted from strings. */
for (const name of ['at', 'charAt', 'charCodeAt', 'codePointAt']) {
  const original = StringProto[name];
  setMethod(StringProto, name, function (i) {
    if (typeof i !== 'number') numericArguments(arguments, 1);
    return apply(original, this, arguments);
  });
}
for (const name of getOwnPropertyNames(Math)) {
  const original = Math[name];
  if (typeof original !== 'function') continue;
  const converted = name === 'max' || name === 'min' || name === 'hypot' ? K.maxArguments : original.length;
  setMethod(Math, name, function () { return apply(original, Math, numericArguments(arguments, converted)); });
}
/* A radix other than 10 writes an extreme double digit by digit: (1.7976931348623157e308).toString(7) made
   ~1,100 digits for one call's gas (~290 ns per gas). */
const numberValueOf = Number.prototype.valueOf;
for (const name of ['toString', 'toFixed', 'toExponential', 'toPrecision', 'toLocaleString']) {
  const original = Number.prototype[name];
  if (typeof original !== 'function') continue;
  setMethod(Number.prototype, name, function (radix) {
    numericArguments(arguments, original.length);
    charge(dtoaCost(apply(numberValueOf, this, [])));
    if (name === 'toString' && radix !== undefined && radix !== 10) {
      const v = apply(numberValueOf, this, []);
      if (!NumberCtor.isSafeInteger(v)) charge(K.radixDigits);
    }
    return apply(original, this, arguments);
  });
}
meterConstructor(Number, function (args) { return numericArguments(args, 1); });
/* An Error made by a constructor has walked the stack already: it is paid for at once (see chargeError).
   The natives' own prototypes point at the wrapped Error, so getPrototypeOf(TypeError) is no way around. */
let ErrorWrapper;
for (const C of [Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError, G.InternalError, AggregateError]) {
  /* AggregateError drains its first argument natively, with whatever next() the iterable hands it. */
  const drains = C === AggregateError;
  const wrapper = new ProxyCtor(C, {
    construct: function (t, args, newTarget) {
      if (drains) args[0] = __hc_it(args[0]);
      return chargeError(construct(t, args, newTarget === wrapper ? t : newTarget));
    },
    apply: function (t, thisArg, args) {
      if (drains) args[0] = __hc_it(args[0]);
      return chargeError(apply(t, thisArg, args));
    },
  });
  if (C === Error) ErrorWrapper = wrapper;
  else O.setPrototypeOf(C, ErrorWrapper);
  C.prototype.constructor = wrapper;
  G[C.name] = wrapper;
}
const FunctionProto = getPrototypeOf(noCodeGeneration), functionToString = FunctionProto.toString;
/* apply, Reflect.apply/construct and bind hand up to 65,535 arguments to a function natively, which
   copies them (and a prelude wrapper loops over them): each argument pays perElement. An array-like
   that is not a plain array is copied here once, so its length getter cannot show the meter one
   length and the native another. */
function argumentList(list) {
  if (isPlainArray(list)) { chargeElements(list.length); return list; }
  if (list === null || (typeof list !== 'object' && typeof list !== 'function')) return list;
  const given = list.length;
  chargeConversions([given]);
  const n = NumberCtor(given);
  const length = n > 0 ? (n < K.maxArguments ? ceil(n) : K.maxArguments + 1) : 0;
  if (length > K.maxArguments) fail(RangeErrorCtor, 'too many arguments');
  chargeElements(length);
  const out = privateArray();
  for (let i = 0; i < length; i++) out[i] = list[i];
  return published(out);
}
const nativeBind = FunctionProto.bind;
setMethod(FunctionProto, 'apply', function (thisArg, list) {
  return apply(this, thisArg, list === undefined || list === null ? [] : argumentList(list));
});
setMethod(Reflect, 'apply', function (target, thisArg, list) { return apply(target, thisArg, argumentList(list)); });
/* The argument list is copied first: its length and elements may be contract getters, which could
   redefine new.target's prototype after the check below (see fixedPrototype). */
setMethod(Reflect, 'construct', function (target, list, newTarget) {
  charge(K.wrapperEntry);
  const args = argumentList(list);
  if (arguments.length < 3) return construct(target, args);
  const p = fixedPrototype(newTarget);
  if (p !== null && (typeof p === 'object' || typeof p === 'function')) chainRoom(p, 1);
  return construct(target, args, newTarget);
});
/* A bound function passes its bound arguments natively on every call: it is bound to a function that
   pays for them each time (name and length are those of that function, not of the target). */
setMethod(FunctionProto, 'bind', function () {
  const bound = arguments.length > 1 ? arguments.length - 1 : 0;
  chargeElements(bound);
  /* Even with nothing bound: the native bind names the result 'bound ' + the target's name, and a
     chain of binds grew that name quadratically, past the string cap, for nothing. */
  if (typeof this !== 'function') return apply(nativeBind, this, arguments);
  const target = this, perCall = bound * K.perElement;
  const metered = function () {
    charge(perCall);
    return new.target === undefined ? apply(target, this, arguments)
      : construct(target, arguments, new.target === metered ? target : new.target);
  };
  return apply(nativeBind, metered, arguments);
});
setMethod(FunctionProto, 'toString', function toString() { return madeString(apply(functionToString, this, [])); });
/* Each joins strings a contract chose (name and message, source and flags, the toStringTag): repeated,
   Error.prototype.toString doubled a string past the 4 KiB cap each call, to a million characters. */
for (const [proto, name] of [[errorProtos[0], 'toString'], [RegExp.prototype, 'toString'], [O.prototype, 'toString'],
  [O.prototype, 'toLocaleString'], [Symbol.prototype, 'toString']]) {
  const original = proto[name];
  setMethod(proto, name, function () { charge(K.wrapperEntry); return madeString(apply(original, this, arguments)); });
}
for (const name of ['parseInt', 'parseFloat', 'escape', 'unescape', 'encodeURI', 'encodeURIComponent', 'decodeURI',
  'decodeURIComponent', 'isNaN', 'isFinite']) {
  const original = G[name];
  G[name] = function () {
    /* Converted here (an object's toString may hand back any string), then paid by its length. */
    if (arguments.length > 0 && arguments[0] !== null && (typeof arguments[0] === 'object' || typeof arguments[0] === 'function')) arguments[0] = toStr(arguments[0]);
    const s = arguments[0];
    chargeChars(typeof s === 'string' ? s.length : 0);
    chargeConversions(arguments);
    return madeString(apply(original, undefined, arguments));
  };
  if (Number[name] === original) setMethod(Number, name, G[name]);
}
for (const name of ['fromCharCode', 'fromCodePoint']) {
  const original = String[name];
  setMethod(String, name, function () {
    chargeChars(arguments.length);
    return capString(apply(original, String, numericArguments(arguments, K.maxArguments)));
  });
}

/* JSON: parse by input length, stringify per value visited (the replacer hook) and by output length. */
function meteredParse(text, reviver) {
  const s = toStr(text);
  charge(K.builtinBase + s.length * K.jsonParsePerChar);
  return reviver === undefined ? jsonParse(s) : jsonParse(s, reviver);
}
/* capped: the text is handed to the contract, so it may not exceed the string cap (texts leaving the VM have their own limits). */
function meteredStringify(value, replacer, space, capped) {
  if (replacer !== undefined && replacer !== null && typeof replacer !== 'function') {
    fail(TypeErrorCtor, 'JSON.stringify array replacers are not supported in contracts');
  }
  charge(K.builtinBase);
  /* QuickJS serialises nested values by native recursion that its stack check
     underestimates (several times more host stack than it counts): nesting is
     capped here, deterministically, before it gets deep. The hook runs before
     each value is serialised, with its holder as this. */
  const depths = new MapCtor();
  const hook = function (key, v) {
    charge(K.jsonPerValue);
    const out = typeof replacer === 'function' ? apply(replacer, this, [key, v]) : v;
    if (typeof out === 'number') charge(dtoaCost(out));
    if (out !== null && typeof out === 'object') {
      const parent = apply(mapGet, depths, [this]);
      const depth = (parent === undefined ? 0 : parent) + 1;
      if (depth > K.maxJsonDepth) fail(RangeErrorCtor, 'JSON nests deeper than ' + K.maxJsonDepth);
      apply(mapSet, depths, [out, depth]);
    }
    return out;
  };
  const out = jsonStringify(value, hook, space);
  if (out !== undefined) { charge(out.length * K.jsonStringifyPerChar); if (capped) capString(out); }
  return out;
}
setMethod(JSON, 'parse', function parse(text, reviver) { return meteredParse(text, reviver); });
setMethod(JSON, 'stringify', function stringify(v, r, s) { return meteredStringify(v, r, s, true); });

/* RegExp: QuickJS polls the interrupt handler every 10,000 matcher steps, a
   deterministic count. The host counts those polls between rxBegin/rxEnd,
   stops the matcher once they exceed the gas left, and the wrapper charges
   them. Backtracking-heavy patterns are allowed and pay for every step. */
const RegExpCtor = RegExp, regexpExec = RegExp.prototype.exec;
/* QuickJS's matcher polls only where it backtracks or jumps, about once per start position, while
   comparing a run of literal characters costs one step per character: a pattern of 4,000 literal
   characters tried at each of 4,096 positions compared ~16M characters per exec for ~1,000 gas (one
   2M-gas call ran 88 s). Each exec also pays the input's length times the pattern's, as a naive
   string search does, twice under the i flag (case folding each character). */
setMethod(RegExp.prototype, 'exec', function exec(input) {
  const s = toStr(input);
  chargeChars(s.length);
  charge(K.regexBase);
  const source = apply(regexSource, this, []);
  const folds = flagGetters[0] !== undefined && apply(flagGetters[0], this, []);
  charge(ceil((s.length * source.length) / K.searchComparisonsPerGas) * (folds ? 2 : 1));
  host.rxBegin(gasLeft());
  let polls = 0;
  try {
    return apply(regexpExec, this, [s]);
  } finally {
    polls = host.rxEnd();
    charge(polls * K.regexPerPoll);
  }
});
function regexpSourceOf(p) {
  if (p === null || typeof p !== 'object' || isProxy(p)) return undefined;
  try { return apply(regexSource, p, []); } catch (e) { __hc_ck(e); return undefined; }
}
/* Compiling builds character sets natively, at costs the per-character price does not cover: a
   Unicode property escape (\\p{L}: ~100 us each, 2,000-5,000 ns per gas charged) and the v flag are
   refused; under the i flag every class is case-folded (~15 us for [a-z], ~65 us for each large
   range, measured), so each [ and each - pays. Flags of a RegExp pattern are read from its internal
   slots by the captured getters (a contract may redefine the prototype's). recompile() is removed. */
delete RegExp.prototype.compile;
const regexpFlag = function (name) {
  const d = getOwnPropertyDescriptor(RegExp.prototype, name);
  return d === undefined ? undefined : d.get;
};
const flagGetters = [regexpFlag('ignoreCase'), regexpFlag('unicode'), regexpFlag('unicodeSets')];
function countOf(s, c) {
  let n = 0;
  for (let at = apply(stringIndexOf, s, [c]); at >= 0; at = apply(stringIndexOf, s, [c, at + 1])) n++;
  return n;
}
/* A back-reference compares what its group captured, up to the whole 4 KiB input, at the price of one
   matcher step: ^(.*)\\1*x on 4,000 characters ran at 80 ns per gas, ~1,400 under the i flag (case
   folding each character). Any escape of a digit 1-9 or k is refused, in a class too. */
function hasBackReference(source) {
  for (let i = apply(stringIndexOf, source, ['\\\\']); i >= 0 && i + 1 < source.length; i = apply(stringIndexOf, source, ['\\\\', i + 2])) {
    const c = source[i + 1];
    if ((c >= '1' && c <= '9') || c === 'k') return true;
  }
  return false;
}
/* \\s \\S \\w \\W \\d \\D each build and merge a range set as the pattern compiles, ~1.5 us each: 2,000 of
   them compiled at ~300 ns per gas. */
function classEscapes(source) {
  let n = 0;
  for (let i = apply(stringIndexOf, source, ['\\\\']); i >= 0 && i + 1 < source.length; i = apply(stringIndexOf, source, ['\\\\', i + 2])) {
    const c = source[i + 1];
    if (c === 's' || c === 'S' || c === 'w' || c === 'W' || c === 'd' || c === 'D') n++;
  }
  return n;
}
function checkRegexp(source, ignoreCase, unicode, sets) {
  if (sets) fail(SyntaxErrorCtor, 'the RegExp v flag is not supported in contracts');
  if (hasBackReference(source)) fail(SyntaxErrorCtor, 'back-references are not supported in contracts');
  const escapes = classEscapes(source);
  if (escapes > 0) charge(escapes * K.regexClassEscape);
  if (unicode && (apply(stringIndexOf, source, ['\\\\p{']) >= 0 || apply(stringIndexOf, source, ['\\\\P{']) >= 0)) {
    fail(SyntaxErrorCtor, 'Unicode property escapes are not supported in contracts');
  }
  if (ignoreCase) charge(countOf(source, '[') * K.regexCaseClass + countOf(source, '-') * K.regexCaseRange);
}
function hasFlag(flags, c) { return apply(stringIndexOf, flags, [c]) >= 0; }
/* split and matchAll build a new RegExp through the receiver's species constructor, which a
   contract can point back at the unwrapped intrinsic (rx.constructor = undefined): each call pays
   for compiling the receiver's source as the constructor would. */
for (const sym of [Symbol.split, Symbol.matchAll]) {
  const original = RegExp.prototype[sym];
  setMethod(RegExp.prototype, sym, function () {
    plainRegExp(this);
    const source = regexpSourceOf(this);
    if (source !== undefined) {
      chargeChars(source.length * 8);
      const own = [];
      for (let i = 0; i < flagGetters.length; i++) own[i] = flagGetters[i] !== undefined && apply(flagGetters[i], this, []);
      checkRegexp(source, own[0], own[1], own[2]);
    }
    return apply(original, this, arguments);
  });
}
/* The natives behind match, matchAll, replace, search and split loop over exec, and rebuild the pattern
   from its source and flags through its constructor's species: each is read by property lookup. A
   contract's exec (Object.prototype.valueOf never answers null: the global loop ran until memory ran
   out), own flags or constructor (a species compiling \\p{} unpaid), or a look-alike object, took the
   natives off the metered path. So these methods take only a RegExp of the built-in prototype with no
   own property but lastIndex, and the prototype's exec, flags, source, constructor and the species are
   locked (below). */
function plainRegExp(rx) {
  if (regexpSourceOf(rx) === undefined || getPrototypeOf(rx) !== RegExp.prototype) {
    fail(TypeErrorCtor, 'RegExp methods take a RegExp in contracts');
  }
  const keys = ownKeys(rx);
  if (keys.length !== 1 || keys[0] !== 'lastIndex') fail(TypeErrorCtor, 'a RegExp with properties of its own is not supported by this method in contracts');
}
for (const sym of [Symbol.match, Symbol.search]) {
  const original = RegExp.prototype[sym];
  setMethod(RegExp.prototype, sym, function () { plainRegExp(this); return apply(original, this, arguments); });
}
/* Called directly, not through String.prototype.replace, its input and result were neither paid nor
   capped: /(?:)/g with a replacement of 2,048 "$\`" made a 1.6M-character string (~5,000-9,000 ns per
   gas). It pays and caps as String.prototype.replace does. */
const regexpReplace = RegExp.prototype[Symbol.replace];
setMethod(RegExp.prototype, Symbol.replace, function (input, replacement) {
  plainRegExp(this);
  const s = toStr(input);
  charge(K.builtinBase + s.length * K.splitPerChar);
  chargeConversions(arguments);
  return madeString(apply(regexpReplace, this, [s, replacement]));
});
const MeteredRegExp = meterConstructor(RegExpCtor, function (args) {
  const p = args[0];
  const regexpSource = regexpSourceOf(p);
  const source = regexpSource !== undefined ? regexpSource : p === undefined ? '' : toStr(p);
  chargeChars(source.length * 8);
  const flags = args[1] === undefined ? undefined : toStr(args[1]);
  if (flags !== undefined) {
    chargeChars(flags.length);
    checkRegexp(source, hasFlag(flags, 'i'), hasFlag(flags, 'u'), hasFlag(flags, 'v'));
  } else if (regexpSource !== undefined) {
    const own = [];
    for (let i = 0; i < flagGetters.length; i++) own[i] = flagGetters[i] !== undefined && apply(flagGetters[i], p, []);
    checkRegexp(source, own[0], own[1], own[2]);
  } else {
    checkRegexp(source, false, false, false);
  }
  return [regexpSource !== undefined ? p : source, flags];
});

for (const name of ['exec', 'flags', 'source', 'global', 'ignoreCase', 'multiline', 'dotAll', 'unicode', 'unicodeSets',
  'sticky', 'hasIndices', 'constructor']) {
  const d = getOwnPropertyDescriptor(RegExp.prototype, name);
  if (d === undefined) continue;
  d.configurable = false;
  if (hasOwn(d, 'value')) d.writable = false;
  defineProperty(RegExp.prototype, name, d);
}
(function () {
  const d = getOwnPropertyDescriptor(RegExpCtor, Symbol.species);
  d.configurable = false;
  defineProperty(RegExpCtor, Symbol.species, d);
})();

/* Contract API. */
function describe(e) {
  if (typeof e === 'string') return e;
  if (e === null || typeof e !== 'object' || isProxy(e)) return 'non-error value thrown';
  const proto = getPrototypeOf(e);
  const d = getOwnPropertyDescriptor(e, 'message');
  const message = d !== undefined && typeof d.value === 'string' ? d.value : 'error';
  for (let i = 0; i < errorProtos.length; i++) {
    if (proto === errorProtos[i] && i > 0) return getOwnPropertyDescriptor(proto, 'name').value + ': ' + message;
  }
  return message;
}
function checkString(value, what, max) {
  if (typeof value !== 'string') fail(TypeErrorCtor, what + ' must be a string');
  if (value.length > max) fail(RangeErrorCtor, what + ' longer than ' + max);
  return value;
}
/* Values leaving the VM (return value, event data, storage values, nested-call
   arguments) are nested at most K.maxValueDepth deep, so the host never walks
   deeper ones. The hook runs before each value is serialised, with its holder
   as this: a value's depth is its holder's plus one. */
function boundedStringify(value, what) {
  const depths = new MapCtor();
  return meteredStringify(value, function (key, v) {
    if (v !== null && typeof v === 'object') {
      const parent = apply(mapGet, depths, [this]);
      const depth = (parent === undefined ? 0 : parent) + 1;
      if (depth > K.maxValueDepth) fail(RangeErrorCtor, what + ' nests deeper than ' + K.maxValueDepth);
      apply(mapSet, depths, [v, depth]);
    }
    return v;
  }, undefined, false);
}
function toJsonText(value, what, max) {
  const json = boundedStringify(value, what);
  if (json === undefined) fail(TypeErrorCtor, what + ' is not JSON-serialisable');
  if (json.length > max) fail(RangeErrorCtor, what + ' longer than ' + max + ' characters of JSON');
  return json;
}
function isDecimal(s) {
  if (s.length === 0 || s.length > 40 || (s.length > 1 && apply(charCodeAt, s, [0]) === 48)) return false;
  for (let i = 0; i < s.length; i++) {
    const c = apply(charCodeAt, s, [i]);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
function toAmount(amount) {
  if (typeof amount === 'number' && isSafeInteger(amount) && amount >= 0) return StringCtor(amount);
  if (typeof amount === 'string' && isDecimal(amount)) return amount;
  fail(TypeErrorCtor, 'amount must be a non-negative safe integer or a decimal string');
}
/* Keys are stored as UTF-8, which cannot hold a lone surrogate: QuickJS would hand the host
   U+D800 as three U+FFFD, aliasing that key (and pricing 1 character for 9 bytes). */
function storageKey(key) {
  checkString(key, 'storage key', K.maxStorageKeyLength);
  for (let i = 0; i < key.length; i++) {
    const c = apply(charCodeAt, key, [i]);
    if (c < 0xD800 || c > 0xDFFF) continue;
    const next = c <= 0xDBFF && i + 1 < key.length ? apply(charCodeAt, key, [i + 1]) : 0;
    if (next < 0xDC00 || next > 0xDFFF) fail(ErrorCtor, 'storage key is not well-formed Unicode');
    i++;
  }
  return key;
}
const storage = freeze({
  get: function get(key) {
    storageKey(key);
    charge(K.storageReadBase + key.length * K.storagePerByte);
    const reply = host.sget(key);
    const bar = apply(stringIndexOf, reply, ['|']);
    charge(NumberCtor(apply(stringSlice, reply, [0, bar])));
    if (bar === reply.length - 1) return undefined;
    const json = apply(stringSlice, reply, [bar + 1]);
    charge(json.length * (K.storagePerByte + K.jsonParsePerChar));
    return jsonParse(json);
  },
  set: function set(key, value) {
    storageKey(key);
    const json = toJsonText(value, 'storage value', K.maxStorageValueLength);
    charge(K.storageWriteBase + (key.length + json.length) * K.storagePerByte);
    charge(host.sset(key, json));
  },
  delete: function (key) {
    storageKey(key);
    charge(K.storageDeleteBase + key.length * K.storagePerByte);
    charge(host.sdel(key));
  },
});
function balance() { charge(K.hostBase); return host.balance(); }
function transfer(to, amount) {
  checkString(to, 'recipient address', 128);
  const units = toAmount(amount);
  charge(K.transferBase);
  charge(host.transfer(to, units));
}
let eventsEmitted = 0;
function emit(name, data) {
  if (eventsEmitted >= K.maxEvents) fail(RangeErrorCtor, 'more than ' + K.maxEvents + ' events');
  checkString(name, 'event name', K.maxEventNameLength);
  const json = toJsonText(data === undefined ? null : data, 'event data', K.maxEventDataLength);
  charge(K.eventBase);
  // The host answers the UTF-8 bytes the event adds to the block's records (a CJK character is 3).
  charge(host.emit(name, json) * K.eventPerByte);
  eventsEmitted++;
}
function require(condition, message) {
  if (!condition) throw new ErrorCtor(message === undefined ? 'require failed' : toStr(message));
}
function call(address, fn, args) {
  checkString(address, 'contract address', 128);
  checkString(fn, 'function name', 64);
  if (args !== undefined && !isPlainArray(args)) fail(TypeErrorCtor, 'call arguments must be an array');
  const json = toJsonText(args === undefined ? [] : args, 'call arguments', K.maxEventDataLength);
  charge(K.nestedCallBase);
  const reply = host.call(address, fn, json, gasLeft());
  const bar = apply(stringIndexOf, reply, ['|']);
  charge(NumberCtor(apply(stringSlice, reply, [1, bar])));
  if (reply[0] === 'O') __hc_oog();
  const payload = apply(stringSlice, reply, [bar + 1]);
  if (reply[0] === 'R') throw new ErrorCtor('call reverted: ' + payload);
  charge(payload.length * K.jsonParsePerChar);
  return payload === '' ? undefined : jsonParse(payload);
}

/* See chainLength. Changing a prototype could lengthen every chain through the object, which no check
   of the new prototype sees: only setting the one it has, or null, is allowed. */
const reflectSetPrototypeOf = R.setPrototypeOf, objectCreate = O.create;
const objectDefineProperties = O.defineProperties;
const protoAccessor = getOwnPropertyDescriptor(O.prototype, '__proto__');
function prototypeKept(o, p) {
  charge(K.wrapperEntry);
  if (p === null || o === null || (typeof o !== 'object' && typeof o !== 'function')) return;
  if (isProxy(o) || getPrototypeOf(o) !== p) fail(TypeErrorCtor, "changing an object's prototype is not supported in contracts");
}
setMethod(O, 'setPrototypeOf', function setPrototypeOf(o, p) { prototypeKept(o, p); return apply(nativeSetPrototypeOf, O, arguments); });
setMethod(R, 'setPrototypeOf', function setPrototypeOf(o, p) { prototypeKept(o, p); return apply(reflectSetPrototypeOf, R, arguments); });
const protoSetter = protoAccessor.set;
protoAccessor.set = function (p) { prototypeKept(this, p); return apply(protoSetter, this, [p]); };
defineProperty(O.prototype, '__proto__', protoAccessor);
/* Defining properties from a descriptor object visits its keys natively, as Object.assign does. */
setMethod(O, 'create', function create(p, properties) {
  charge(K.wrapperEntry + (properties === undefined ? 0 : enumCost(properties)));
  if (p !== null && (typeof p === 'object' || typeof p === 'function')) chainRoom(p, 1);
  return apply(objectCreate, O, arguments);
});
setMethod(O, 'defineProperties', function defineProperties(o, properties) {
  charge(K.wrapperEntry + enumCost(properties));
  return apply(objectDefineProperties, O, arguments);
});
/* Reflect.construct's new.target and a class heritage give the new object's prototype by their
   prototype property: only one of their own that can never change (a bound function has none and
   reads on up its chain, which a contract may give a getter; a contract may define a configurable one
   on it). Its chain is checked by the caller. */
function fixedPrototype(C) {
  if (typeof C !== 'function') return;
  const d = getOwnPropertyDescriptor(C, 'prototype');
  if (d === undefined || !hasOwn(d, 'value') || d.writable !== false || d.configurable !== false) {
    fail(TypeErrorCtor, 'only a class, a function or a built-in constructor can be extended or stand as new.target in contracts');
  }
  return d.value;
}
/* Function declarations and expressions: their prototype property becomes read-only as they are made
   (the instrumenter inserts the call), so an instance's chain is one longer than a prototype checked
   when its class was made. Arrows, methods and accessors have none. */
const SEALED = freeze({ __proto__: null, writable: false });
function __hc_sf(f) {
  defineProperty(f, 'prototype', SEALED);
  return f;
}
/* A class's prototype and its instances sit two and three links under its heritage's prototype; the
   class itself one under the heritage. */
function __hc_ex(C) {
  if (C === null || typeof C !== 'function') return C;
  charge(K.classHeritage);
  const p = fixedPrototype(C);
  if (p !== null && (typeof p === 'object' || typeof p === 'function')) chainRoom(p, 2);
  return chainRoom(C, 1);
}
/* A literal's __proto__: value. */
function __hc_pr(p) {
  return p !== null && (typeof p === 'object' || typeof p === 'function') ? chainRoom(p, 1) : p;
}

function global(name, value) { defineProperty(G, name, { value: value, writable: false, configurable: false, enumerable: false }); }

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
  fo: __hc_fo, fe: __hc_fe, sf: __hc_sf, ex: __hc_ex, pr: __hc_pr });
})`;

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
