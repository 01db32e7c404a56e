/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: typed arrays, ArrayBuffer and DataView. */
export const preludeTypedArrays = `/* Typed arrays and buffers: allocation and every whole-array method by length. */
const typedConstant = { at: 1, entries: 1, keys: 1, values: 1, subarray: 1, constructor: 1 };
/* Arguments these methods convert to numbers, as [from, to): objects become primitives here first (see
   primitiveArguments). A search's fromIndex is read only when the array is not empty. */
const typedNumeric = { __proto__: null, copyWithin: [0, 3], fill: [0, 3], slice: [0, 2], with: [0, 2], set: [1, 2],
  includes: [1, 2], indexOf: [1, 2], lastIndexOf: [1, 2] };
const typedSearches = { __proto__: null, includes: 1, indexOf: 1, lastIndexOf: 1 };
/* Buffers resized or transferred so far, by any contract code (see sortComparing). */
let bufferMoves = 0;
/* sort's comparator, failing the sort if the call resized or transferred any buffer. The pinned QuickJS
   sorts indexes, then permutes the elements through a copy of the array's length at the end: a
   comparator that shrank the buffer made it copy from past that copy, writing heap bytes into the array,
   and those hold atom hashes salted per process (wasm-hash-patch.ts), so every node stored different
   values. A comparator that throws leaves the array as it was (the native permutes nothing then). */
function sortComparing(compare) {
  const paid = comparing(compare);
  if (typeof paid !== 'function') return paid;
  return function (x, y) {
    const moves = bufferMoves;
    const r = paid(x, y);
    if (bufferMoves !== moves) fail(TypeErrorCtor, 'a buffer was resized or transferred during a typed array sort');
    return r;
  };
}
/* An array-like's elements read once, in order, into an array of the prelude's own. */
function copyElements(src) {
  const length = src.length;
  const out = privateArray();
  for (let i = 0; i < length; i++) out[i] = src[i];
  return published(out);
}
/* set's source, whose length it returns: a plain array is copied, then its objects converted in the copy
   (an element getter could show the meter a number and the native an object). */
function typedSetSource(args) {
  const src = args[0];
  if (isTyped(src)) return typedLength(src);
  if (!isPlainArray(src)) fail(TypeErrorCtor, 'TypedArray.prototype.set needs an array or typed array in contracts');
  chargeElements(src.length);
  args[0] = copyElements(src);
  chargeElementConversions(args[0]);
  return args[0].length;
}
for (const name of getOwnPropertyNames(TypedArrayProto)) {
  const d = getOwnPropertyDescriptor(TypedArrayProto, name);
  const original = d.value;
  if (typeof original !== 'function' || hasOwn(typedConstant, name)) continue;
  const numeric = typedNumeric[name];
  setMethod(TypedArrayProto, name, function () {
    let n = typedLength(this);
    if (name === 'map') {
      // Each element goes through the converting callback (an interpreted call) and is stored back.
      chargeElements(n);
      return apply(original, this, [convertingCallback(arguments[0]), arguments[1]]);
    }
    if (numeric !== undefined && (n > 0 || typedSearches[name] !== 1)) primitiveArguments(arguments, numeric[0], numeric[1]);
    if (name === 'set') n += typedSetSource(arguments);
    if (name === 'sort' || name === 'toSorted') {
      n = n * ceil(log2(n + 2)) * 4;
      if (arguments.length > 0) arguments[0] = name === 'sort' ? sortComparing(arguments[0]) : comparing(arguments[0]);
    }
    chargeTyped(n);
    if (name === 'join' || name === 'toString' || name === 'toLocaleString') charge(elementsDtoaCost(this, typedLength(this)));
    // join writes its separator as a string (see stringOf).
    if (name === 'join' && arguments[0] !== undefined) arguments[0] = stringOf(arguments[0]);
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
    /* A buffer's byteOffset and length are converted to numbers (a view of anything else ignores them). */
    if (args.length > 1 && n === 0 && args[0] !== null && typeof args[0] === 'object' && !isTyped(args[0]) && isArrayBuffer(args[0])) {
      for (let i = 1; i < 3 && i < args.length; i++) args[i] = paidPrimitive(args[i]);
    }
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
    numericArguments(arguments, K.maxArguments);
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
    numericArguments(arguments, K.maxArguments);
    return apply(sharedOf, this, arguments);
  });
})();
/* Sizes are converted once here and those numbers passed on: a valueOf cannot show the meter one size and the native another. */
/* An object is made primitive here first (see primitiveArguments), so the number parsed from it is paid. */
meterConstructor(ArrayBuffer, function (args) {
  const first = toPrimitiveNumber(args[0]);
  chargeConversions([first]);
  const length = first === undefined ? 0 : NumberCtor(first);
  let n = length > 0 ? length : 0;
  let out = [length];
  const options = args[1];
  if (options !== null && typeof options === 'object') {
    const given = toPrimitiveNumber(options.maxByteLength);
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
    numericArguments(arguments, name === 'slice' ? 2 : 1);
    if (name === 'slice') { chargeChars(n); return apply(original, this, arguments); }
    bufferMoves++;
    const given = arguments[0];
    const args = given === undefined ? [] : [NumberCtor(given)];
    const requested = given === undefined ? (name === 'resize' ? 0 : n) : args[0];
    capNewLength(requested > 0 ? requested : 0);
    chargeChars(n + (requested > 0 ? requested : 0));
    return apply(original, this, args);
  });
}

/* A view's byteOffset and byteLength, converted here (an object's valueOf may hand back a long numeric string). */
meterConstructor(DataView, function (args) {
  if (args.length > 1 && isArrayBuffer(args[0])) for (let i = 1; i < 3 && i < args.length; i++) args[i] = paidPrimitive(args[i]);
  return args;
});
for (const name of getOwnPropertyNames(DataView.prototype)) {
  const original = getOwnPropertyDescriptor(DataView.prototype, name).value;
  if (typeof original !== 'function' || name === 'constructor') continue;
  setMethod(DataView.prototype, name, function () { return apply(original, this, numericArguments(arguments, original.length)); });
}

`;
