/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: captured primordials, the gas counter, error pricing, argument conversions, internal arrays, iterators and removed globals. */
export const preludeBase = (constants: string): string => `"use strict";
const K = ${constants};
const G = globalThis;
const O = Object, R = Reflect;
const apply = R.apply, construct = R.construct, ownKeys = R.ownKeys;
const defineProperty = O.defineProperty, getOwnPropertyDescriptor = O.getOwnPropertyDescriptor;
const getOwnPropertyNames = O.getOwnPropertyNames, getPrototypeOf = O.getPrototypeOf, freeze = O.freeze, hasOwn = O.hasOwn;
const isArray = Array.isArray, ceil = Math.ceil, log2 = Math.log2, isSafeInteger = Number.isSafeInteger;
const jsonParse = JSON.parse, jsonStringify = JSON.stringify, NumberCtor = Number;
const objectToString = O.prototype.toString, stringValueOf = String.prototype.valueOf, numberValueOfNative = Number.prototype.valueOf;
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
/* True for typed arrays and DataViews only, by internal slot (a prototype or a proxy cannot pass), in one native call. */
const isView = ArrayBuffer.isView;
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
/* Contracts deployed before the store checks (their instrumented code is stored) call it for == operands
   and member stores: long strings paid as number conversions. */
function __hc_l(v) { const n = longChars(v); if (n > 0) charge(n * K.toNumberPerChar); return v; }
/* Operands of == and !=: an object compared with a primitive is converted by the engine, and its valueOf
   may hand back a long numeric string, which is then parsed (~90 us for 4,096 digits): paid as an object
   operand, as the converting operators' are. Numbers pass inline. */
function __hc_lq(v) { const c = conversionCost(v); if (c > 0) charge(c); return v; }
/* Values that +, a template or a property key may write as a string (strings and small integers pass
   inline, see instrument.ts): a slow number pays dtoaCost; an object is converted here with the
   engine's hint, and what it gives is paid the same way. The conversion comes as the operand is
   evaluated, rather than once every operand is: documented in docs/contracts.md. */
function textOf(v, hint) {
  if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
    charge(K.wrapperEntry);
    v = toPrimitive(v, hint);
  }
  if (typeof v === 'number') { const c = dtoaCost(v); if (c > 0) charge(c); }
  return v;
}
/* A + may be an addition, but a double reaching one pays as if written: QuickJS takes ~3-13 us to write a
   17-digit double, which passed unpaid (~270-430 ns per gas); contracts count in integers. */
function __hc_n(v) { return textOf(v, 'default'); }
/* A template's part, written here once it is paid: QuickJS joins a template's parts by String.prototype.concat,
   whose wrapper would pay for a number part again. */
function __hc_ns(v) {
  const p = textOf(v, 'string');
  return typeof p === 'number' ? StringCtor(p) : p;
}
/* A property key past the free length is hashed and compared natively as it is looked up. */
function __hc_k(v) {
  const key = textOf(v, 'string');
  if (typeof key === 'string' && key.length > K.stringFreeChars) charge(ceil(key.length / K.charsPerGas));
  return key;
}
/* A key a value is stored under: on an array, 'length' converts the value natively, twice (ToUint32 and
   ToNumber); the store is paid as two object operands whatever it is stored into (a computed 'length' is
   rare, and the value is not known yet). */
function __hc_sk(v) {
  const key = __hc_k(v);
  if (key === 'length') charge(2 * K.objectOperand);
  return key;
}
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
function toPrimitiveNumber(x) { return toPrimitive(x, 'number'); }
/* ToPrimitive with any hint: 'string' tries toString before valueOf. */
function toPrimitive(x, hint) {
  if (x === null || (typeof x !== 'object' && typeof x !== 'function')) return x;
  const exotic = x[Symbol.toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    const r = apply(exotic, x, [hint]);
    if (r !== null && (typeof r === 'object' || typeof r === 'function')) fail(TypeErrorCtor, 'cannot convert object to primitive value');
    return r;
  }
  const first = hint === 'string' ? 'toString' : 'valueOf';
  const r = ordinaryConversion(x, first);
  if (r !== x) return r;
  const r2 = ordinaryConversion(x, hint === 'string' ? 'valueOf' : 'toString');
  if (r2 !== x) return r2;
  fail(TypeErrorCtor, 'cannot convert object to primitive value');
}
/* x[name]() when it is a function answering a primitive, else x itself (no primitive is an object). */
function ordinaryConversion(x, name) {
  const f = x[name];
  if (typeof f !== 'function') return x;
  const r = apply(f, x, []);
  return r === null || (typeof r !== 'object' && typeof r !== 'function') ? r : x;
}
/* The first count arguments, which a built-in converts to numbers: objects become primitives here first
   (a later argument may be a callback's extra, or a flag the built-in only tests for truth). */
function numericArguments(args, count) {
  const n = count < args.length ? count : args.length;
  for (let i = 0; i < n; i++) args[i] = toPrimitiveNumber(args[i]);
  chargeConversions(args);
  return args;
}
/* Elements a typed array converts to numbers, in an array of the prelude's own (a copy: it is written). An
   object among them becomes its primitive here, in order, as the native would make it (a valueOf handing
   back a 4,096-digit string was parsed natively unpaid, ~5,000 ns per gas), and long strings are paid. */
function chargeElementConversions(arr) {
  if (!isPlainArray(arr)) return;
  /* Its length read once: an element getter could lengthen it under this loop. */
  const length = arr.length;
  let n = 0;
  for (let i = 0; i < length; i++) {
    let e = arr[i];
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) { e = toPrimitiveNumber(e); arr[i] = e; }
    n += longChars(e);
  }
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
  /* Measured for 17-digit doubles: ~3-5 us up to 1e100, ~8-13 us at 1e200-1e300, ~1-5 us below 1. */
  return a > 1e100 || a < 1e-250 ? K.dtoaExtreme : K.dtoaDouble;
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
/* A join pays for the numbers it writes (see dtoaCost), and the least it makes (its separators and string
   elements) is checked against the string cap before the native builds it: past the cap the result is
   refused as it would be once made (7,000 elements of 4 KiB built 28 MB first, ~170-280 ns per gas for
   the transaction). Elements are read once here, once by the native. */
function chargeJoin(arr, length, separator) {
  let made = length > 0 ? (length - 1) * separator.length : 0;
  let dtoa = 0;
  for (let i = 0; i < length; i++) {
    const e = arr[i];
    if (typeof e === 'string') made += e.length;
    else dtoa += dtoaCost(e);
  }
  if (made > K.maxStringLength) __hc_big();
  charge(dtoa);
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
/* The old value of a += target, which is written as a string when the other side is one: a slow number
   pays its dtoaCost; an object pays as a denormal would, unconverted (the engine converts it, once). */
function __hc_nt(v) {
  if (typeof v === 'number') { const c = dtoaCost(v); if (c > 0) charge(c); }
  else if (v !== null && (typeof v === 'object' || typeof v === 'function')) charge(K.dtoaDenormal);
  return v;
}
function __hc_unt(o, key) { __hc_nt(o[key]); return o; }
function __hc_ukt(key) {
  const o = pendingTargets[--pendingTop];
  pendingTargets[pendingTop] = undefined;
  __hc_nt(o[key]);
  return key;
}
/* A computed key an update uses twice is written as a string once: a slow number's key check paid for one. */
function memberKey(key) {
  return typeof key === 'number' && (key | 0) !== key ? StringCtor(key) : key;
}
/* o.p++, --o[k] (step 1 or -1): the old value is read once, converted once (natively, on this copy:
   ToNumeric, as the engine's) and written back. A check of a value the engine then read again let a
   getter answer the check 1 and the operator an object whose valueOf gave 4,096 digits, or 5e-324 for
   += '' (~900 ns per gas). */
function __hc_step(o, key, post, step) {
  key = memberKey(key);
  let v = o[key];
  if (typeof v !== 'number') __hc_q(v);
  const old = step > 0 ? v++ : v--;
  o[key] = v;
  return post ? old : v;
}
/* o.p -= x, o[k] += x: the instrumenter writes __hc_cs(__hc_cg(o, k), __hc_cell.v - (x)). __hc_cg reads the old
   value once, pays for it (as an operand of += with __hc_cgt), leaves it in __hc_cell.v for the engine to
   combine with x (which the language evaluates after the read), and returns the slot its target waits in;
   __hc_cs writes the result there. Slots are named, not popped: an update inside x that threw and was
   caught leaves its slot behind, and the next __hc_cs must not take it for its own (it wrote the outer
   result into the inner object, past the store checks). Writing slot i frees every slot above it. */
const updateCell = { __proto__: null, v: undefined };
const openObjects = { __proto__: null };
const openKeys = { __proto__: null };
let openTop = 0;
function openUpdate(o, key, v) {
  openObjects[openTop] = o;
  openKeys[openTop] = key;
  updateCell.v = v;
  return openTop++;
}
function __hc_cg(o, key) {
  key = memberKey(key);
  const v = o[key];
  if (typeof v !== 'number') __hc_q(v);
  return openUpdate(o, key, v);
}
function __hc_cgt(o, key) {
  key = memberKey(key);
  const v = o[key];
  __hc_nt(v);
  return openUpdate(o, key, v);
}
/* Frees a slot and every slot above it (left by updates that threw). */
function releaseFrom(slot) {
  for (let i = slot; i < openTop; i++) { openObjects[i] = undefined; openKeys[i] = undefined; }
  openTop = slot;
}
function closeUpdate(slot, v) {
  const o = openObjects[slot];
  const key = openKeys[slot];
  releaseFrom(slot);
  o[key] = v;
  return v;
}
function __hc_cs(slot, v) { return closeUpdate(slot, v); }
/* super.p and private members are updated in the contract's code (see meterInPlace in instrument.ts):
   ++x.#p writes __hc_pnew's result; x.#p++ keeps the old value in a slot while it writes the new. */
function __hc_pnew(v, step) {
  if (typeof v !== 'number') __hc_q(v);
  return step > 0 ? ++v : --v;
}
function __hc_pslot(v, step) {
  if (typeof v !== 'number') __hc_q(v);
  const old = step > 0 ? v++ : v--;
  return openUpdate(old, undefined, v);
}
function __hc_pold(slot) {
  const old = openObjects[slot];
  releaseFrom(slot);
  return old;
}
/* A string an update makes, capped and paid before it is written (see __hc_cst). */
function __hc_capv(v) {
  if (typeof v === 'string' && v.length > K.stringFreeChars) __hc_cat(v);
  return v;
}
/* += on a member: its result is capped and paid here, before it is written (a setter that throws would
   keep an uncapped string the cap around the expression never saw). */
function __hc_cst(slot, v) {
  return closeUpdate(slot, __hc_capv(v));
}
function capNewLength(n) {
  if (!(n <= K.maxArrayLength)) throw new RangeErrorCtor('length exceeds the contract limit of ' + K.maxArrayLength);
}
function toStr(x) {
  if (x === undefined || x === null) fail(TypeErrorCtor, 'cannot convert ' + x + ' to a string');
  // ToString refuses a symbol (stringOf writes one as String(symbol) does, for String(s) and templates' tags).
  if (typeof x === 'symbol') fail(TypeErrorCtor, 'cannot convert symbol to string');
  return typeof x === 'string' ? x : stringOf(x);
}
/* ToString, as the engine's, here: a number pays for being written (see dtoaCost) and an object is
   converted with the string hint, its primitive paid the same way (its toString may answer a denormal,
   which the native wrote unpaid, ~75 us). A symbol is written as String(symbol) does; an object's
   symbol is refused, as ToString does. */
function stringOf(x) {
  if (typeof x === 'string') return x;
  const p = textOf(x, 'string');
  if (typeof p === 'symbol' && p !== x) fail(TypeErrorCtor, 'cannot convert symbol to string');
  return typeof p === 'string' ? p : StringCtor(p);
}
/* Arguments from..to-1 that a built-in writes as strings or property keys (ToString, ToPropertyKey):
   each becomes its primitive here, paid (see textOf), and the native converts that primitive itself
   (a symbol stays a symbol; undefined stays undefined, which some take as absent). */
function textArguments(args, from, to) {
  const n = to < args.length ? to : args.length;
  for (let i = from; i < n; i++) {
    const v = args[i];
    if (typeof v !== 'string' && typeof v !== 'symbol' && v !== undefined) args[i] = textOf(v, 'string');
  }
  return args;
}
/* A callback whose result a built-in writes as a string or a key (a replacement function, groupBy's). */
function textCallback(fn) {
  if (typeof fn !== 'function') return fn;
  return function () { return textOf(apply(fn, this, arguments), 'string'); };
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
/* for-in collects the keys of the whole prototype chain as the loop starts: 5,000 enumerable keys on a
   prototype made each loop over a keyless object take ~1 ms for the own keys' price (~45,000 ns per
   gas). Each object on the chain pays per key; the built-in prototypes only for keys beyond those
   they had when the prelude ran (their own non-enumerable methods). */
const builtinKeyCounts = new WeakMapCtor();
for (const p of [O.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Boolean.prototype]) {
  apply(weakMapSet, builtinKeyCounts, [p, ownKeys(p).length]);
}
function inheritedKeys(x) {
  let n = 0;
  for (let p = getPrototypeOf(x), depth = 0; p !== null && depth <= K.maxPrototypeChain; p = getPrototypeOf(p), depth++) {
    const keys = ownKeys(p).length - (apply(weakMapGet, builtinKeyCounts, [p]) ?? 0);
    if (keys > 0) n += keys;
  }
  return n;
}
function __hc_fi(x) {
  const inherited = x !== null && x !== undefined ? inheritedKeys(O(x)) : 0;
  charge(K.builtinBase + enumCost(x) + inherited * K.perKey);
  return x;
}
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
/* A string's iterator converts its receiver (a number's is written natively, ~75 us for a denormal): it
   is paid here first; a string passes straight to the native, which hands back its own iterator. */
(function () {
  const stringIterator = String.prototype[symbolIterator];
  setMethod(String.prototype, symbolIterator, { [symbolIterator]() {
    return apply(stringIterator, typeof this === 'string' ? this : textOf(this, 'string'), []);
  } }[symbolIterator]);
})();
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

`;
