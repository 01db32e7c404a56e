/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: array methods, charged by length before the native loop. */
export const preludeArrays = `/* Arrays: charge by length before the native loop runs. */
const ArrayProto = Array.prototype;
const arrayConstant = { at: 1, pop: 1, push: 1, entries: 1, keys: 1, values: 1, constructor: 1 };
/* Arguments from..to-1 that a built-in converts to numbers: an object among them becomes its primitive here,
   as the engine would make it (a valueOf may hand back a 4,096-digit string, which the native parsed unpaid:
   3,000-5,700 ns per gas), and the caller pays for long strings (chargeConversions). */
function primitiveArguments(args, from, to) {
  const n = to < args.length ? to : args.length;
  for (let i = from; i < n; i++) {
    const v = args[i];
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) args[i] = toPrimitiveNumber(v);
  }
  return args;
}
/* One value a built-in converts to a number: made primitive here and paid by its length. */
function paidPrimitive(v) {
  if (typeof v === 'number') return v;
  v = toPrimitiveNumber(v);
  const n = longChars(v);
  if (n > 0) charge(n * K.toNumberPerChar);
  return v;
}
/* A sort converts each comparator result to a number natively, once per comparison. */
function comparing(compare) {
  if (typeof compare !== 'function') return compare;
  return function (x, y) {
    const r = compare(x, y);
    return typeof r === 'number' ? r : paidPrimitive(r);
  };
}
/* Index arguments these array methods convert, as [from, to) (fill and the searches are written below). */
const arrayNumeric = { __proto__: null, slice: [0, 2], splice: [0, 2], toSpliced: [0, 2], copyWithin: [0, 3], with: [0, 1] };
/* The elements a join or toLocaleString writes, read once, in order, into an array of the prelude's that the
   native join is handed: an object among them is converted natively by its own toString, which may answer a
   denormal (written unpaid, ~75 us), so it is converted here (see stringOf); toLocaleString's results are
   made here, element by element, as the native would. Numbers are paid by chargeJoin. */
const arrayJoin = ArrayProto.join;
function joinedElements(arr, length, locale) {
  const out = privateArray();
  for (let i = 0; i < length; i++) {
    let e = arr[i];
    if (locale && e !== undefined && e !== null) {
      const f = e.toLocaleString;
      if (typeof f !== 'function') fail(TypeErrorCtor, 'toLocaleString is not a function');
      e = apply(f, e, []);
    }
    out[i] = e !== null && (typeof e === 'object' || typeof e === 'function') ? stringOf(e) : e;
  }
  out.length = length;
  return out;
}
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
      if (arguments.length > 0) arguments[0] = comparing(compare);
      return apply(original, this, arguments);
    };
  } else if (name === 'includes' || name === 'indexOf' || name === 'lastIndexOf') {
    wrapped = function (search) {
      requireArray(this, name);
      chargeElements(this.length);
      // Each element compared with a string reads up to the search string's length.
      const c = longChars(search);
      if (c > 0) charge(this.length * ceil(c / K.charsPerGas));
      // fromIndex is read only when the array is not empty.
      if (this.length > 0) primitiveArguments(arguments, 1, 2);
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
      for (let i = 1; i < 3 && i < arguments.length; i++) arguments[i] = paidPrimitive(arguments[i]);
      return apply(original, this, arguments);
    };
  } else {
    const numeric = arrayNumeric[name];
    wrapped = function () {
      requireArray(this, name);
      const length = this.length;
      chargeElements(length);
      if (numeric !== undefined) primitiveArguments(arguments, numeric[0], numeric[1]);
      if (name === 'join' || name === 'toLocaleString') {
        const separator = name === 'join' && arguments[0] !== undefined ? stringOf(arguments[0]) : ',';
        const elements = joinedElements(this, length, name === 'toLocaleString');
        sameLength(this, length);
        chargeJoin(elements, length, separator);
        chargeConversions(arguments);
        return madeString(apply(arrayJoin, elements, [separator]));
      }
      // toString calls the array's join, which pays (see above); numbers are paid here as well.
      if (name === 'toString') { chargeJoin(this, length, ','); sameLength(this, length); }
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
  flatInto(out, this, depth === undefined ? 1 : NumberCtor(paidPrimitive(depth)));
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

`;
