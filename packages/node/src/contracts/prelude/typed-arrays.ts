/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: typed arrays, ArrayBuffer and DataView. */
export const preludeTypedArrays = `/* Typed arrays and buffers: allocation and every whole-array method by length. */
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

`;
