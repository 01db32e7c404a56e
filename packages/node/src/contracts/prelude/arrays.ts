/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: array methods, charged by length before the native loop. */
export const preludeArrays = `/* Arrays: charge by length before the native loop runs. */
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
        const separator = name === 'join' && arguments[0] !== undefined ? toStr(arguments[0]) : ',';
        chargeJoin(this, length, separator);
        sameLength(this, length);
        if (name === 'join') arguments[0] = separator;
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

`;
