/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: string searches and methods, numbers, Math, errors and functions. */
export const preludeStrings = `/* QuickJS searches a string for a string naively, up to (n - m + 1) * m comparisons (~2.4 ns each):
   'a'.repeat(4096).indexOf('a'.repeat(2047) + 'b') ran at ~1,500 ns per gas charged by length alone. */
function chargeSearch(n, needle) {
  const m = typeof needle === 'string' ? needle.length : 0;
  if (m > 1 && n >= m) charge(ceil(((n - m + 1) * m) / K.searchComparisonsPerGas));
}
/* A search string that is an object is converted here, once (its toString may hand back any string the
   native would then search unpaid); includes refuses a RegExp, as the native does, deciding once. */
function searchString(x, name) {
  if (typeof x === 'string' || typeof x === 'symbol') return x;
  if (x !== null && (typeof x === 'object' || typeof x === 'function') && name !== 'indexOf' && name !== 'lastIndexOf') {
    const m = x[Symbol.match];
    if (m !== undefined ? !!m : regexpSourceOf(x) !== undefined) fail(TypeErrorCtor, 'First argument to String.prototype.' + name + ' must not be a regular expression');
  }
  // A number is written here, paid (see stringOf).
  return stringOf(x);
}
/* 1: a naive search (see chargeSearch); 2: a comparison from one end. Their first argument is converted by searchString. */
/* split, replace and replaceAll given a pattern that is no object: it is written as a string here, paid (see
   stringOf), as is a replacement, or the result of a replacement function (see textCallback). */
function searchTexts(args, name) {
  const pattern = args[0];
  if (typeof pattern !== 'string' && typeof pattern !== 'symbol' && pattern !== undefined) args[0] = stringOf(pattern);
  if (name !== 'split' && args.length > 1) args[1] = typeof args[1] === 'function' ? textCallback(args[1]) : textOf(args[1], 'string');
}
const searchMethods = { __proto__: null, indexOf: 1, lastIndexOf: 1, includes: 1, startsWith: 2, endsWith: 2 };
/* Other arguments these methods write as strings, as [from, to) (see textArguments). */
const stringTexts = { __proto__: null, concat: [0, K.maxArguments], normalize: [0, 1], anchor: [0, 1], fontcolor: [0, 1],
  fontsize: [0, 1], link: [0, 1] };
/* Positions these methods convert to numbers, as [from, to) (see primitiveArguments). */
const stringNumeric = { __proto__: null, slice: [0, 2], substring: [0, 2], substr: [0, 2], indexOf: [1, 2], lastIndexOf: [1, 2],
  includes: [1, 2], startsWith: [1, 2], endsWith: [1, 2] };
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
      count = toPrimitiveNumber(count);
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
      searchTexts(arguments, name);
      // split's limit is converted to a number (see primitiveArguments).
      if (name === 'split') primitiveArguments(arguments, 1, 2);
      chargeSearch(s.length, arguments[0]);
      chargeConversions(arguments);
      return madeString(apply(original, s, arguments));
    };
  } else if (name === 'padStart' || name === 'padEnd') {
    wrapped = function (length, filler) {
      const s = toStr(this);
      length = toPrimitiveNumber(length);
      chargeConversions([length]);
      const n = NumberCtor(length);
      if (n > K.maxStringLength) fail(RangeErrorCtor, 'string exceeds the contract limit of ' + K.maxStringLength);
      chargeChars(s.length + n);
      return capString(apply(original, s, [n, filler === undefined ? filler : stringOf(filler)]));
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
    const numeric = stringNumeric[name], texts = stringTexts[name];
    wrapped = function () {
      const s = toStr(this);
      // localeCompare's argument is converted here, so its length is known (an object's toString could hand back any string).
      const args = name === 'localeCompare' ? [stringOf(arguments[0])] : arguments;
      if (searchMethods[name] !== undefined && args.length > 0) {
        args[0] = searchString(args[0], name);
        if (searchMethods[name] === 1) chargeSearch(s.length, args[0]);
      }
      if (texts !== undefined) textArguments(args, texts[0], texts[1]);
      if (numeric !== undefined) primitiveArguments(args, numeric[0], numeric[1]);
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
    // The receiver is written as a string (see textOf).
    return apply(original, typeof this === 'string' ? this : textOf(this, 'string'), arguments);
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
  /* AggregateError drains its first argument natively, with whatever next() the iterable hands it. The
     message is written as a string (see textArguments). */
  const drains = C === AggregateError, message = drains ? 1 : 0;
  const wrapper = new ProxyCtor(C, {
    construct: function (t, args, newTarget) {
      if (drains) args[0] = __hc_it(args[0]);
      textArguments(args, message, message + 1);
      return chargeError(construct(t, args, newTarget === wrapper ? t : newTarget));
    },
    apply: function (t, thisArg, args) {
      if (drains) args[0] = __hc_it(args[0]);
      textArguments(args, message, message + 1);
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
  const given = toPrimitiveNumber(list.length);
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
   Error.prototype.toString doubled a string past the 4 KiB cap each call, to a million characters. The
   first two write their two parts as strings: read here once each, in the native's order, and written
   (see stringOf: a name that is a denormal was written natively, unpaid), then handed to the native in a
   record of the prelude's. */
const textParts = { __proto__: null, Error: ['name', 'message'], RegExp: ['source', 'flags'] };
for (const [proto, name, parts] of [[errorProtos[0], 'toString', textParts.Error], [RegExp.prototype, 'toString', textParts.RegExp],
  [O.prototype, 'toString'], [O.prototype, 'toLocaleString'], [Symbol.prototype, 'toString']]) {
  const original = proto[name];
  setMethod(proto, name, function () {
    charge(K.wrapperEntry);
    if (parts === undefined || this === null || (typeof this !== 'object' && typeof this !== 'function')) return madeString(apply(original, this, arguments));
    const record = { __proto__: null };
    for (let i = 0; i < 2; i++) {
      const v = this[parts[i]];
      record[parts[i]] = v === undefined ? v : stringOf(v);
    }
    return madeString(apply(original, record, []));
  });
}
for (const name of ['parseInt', 'parseFloat', 'escape', 'unescape', 'encodeURI', 'encodeURIComponent', 'decodeURI',
  'decodeURIComponent', 'isNaN', 'isFinite']) {
  const original = G[name];
  G[name] = function () {
    /* Converted here (an object's toString may hand back any string, a number may be slow to write), then
       paid by its length; isNaN and isFinite convert to a number (see paidPrimitive). */
    if (name === 'isNaN' || name === 'isFinite') { if (arguments.length > 0) arguments[0] = paidPrimitive(arguments[0]); } else if (arguments.length > 0) arguments[0] = stringOf(arguments[0]);
    // parseInt's radix is converted to a number (see primitiveArguments).
    if (name === 'parseInt') primitiveArguments(arguments, 1, 2);
    const s = arguments[0];
    chargeChars(typeof s === 'string' ? s.length : 0);
    chargeConversions(arguments);
    return madeString(apply(original, undefined, arguments));
  };
  if (Number[name] === original) setMethod(Number, name, G[name]);
}
/* Built-ins that write an argument as a string or a property key (ToString, ToPropertyKey), as [from, to):
   a number is written natively (~75 us for a denormal, 900-6,200 ns per gas unpaid) and an object converted
   by its own toString, which may answer one. Each such argument is made primitive here and paid (see
   textArguments); the native gets that primitive. */
for (const [target, name, from, to] of [[O, 'hasOwn', 1, 2], [O, 'getOwnPropertyDescriptor', 1, 2], [R, 'get', 1, 2],
  [R, 'has', 1, 2], [R, 'getOwnPropertyDescriptor', 1, 2], [R, 'deleteProperty', 1, 2], [O.prototype, 'hasOwnProperty', 0, 1],
  [O.prototype, 'propertyIsEnumerable', 0, 1], [O.prototype, '__defineGetter__', 0, 1], [O.prototype, '__defineSetter__', 0, 1],
  [O.prototype, '__lookupGetter__', 0, 1], [O.prototype, '__lookupSetter__', 0, 1], [Symbol, 'for', 0, 1],
  [RegExp.prototype, 'test', 0, 1]]) {
  const original = target[name];
  if (typeof original !== 'function') continue;
  setMethod(target, name, function () { return apply(original, this, textArguments(arguments, from, to)); });
}
/* String(v) and Symbol(description) as well (a symbol is written by String, as before). */
for (const C of [String, Symbol]) meterConstructor(C, function (args) { return textArguments(args, 0, 1); });
/* Object.groupBy makes a key of each callback result. */
const objectGroupBy = O.groupBy;
if (typeof objectGroupBy === 'function') {
  setMethod(O, 'groupBy', function groupBy(items, fn) { return apply(objectGroupBy, O, [items, textCallback(fn)]); });
}
for (const name of ['fromCharCode', 'fromCodePoint']) {
  const original = String[name];
  setMethod(String, name, function () {
    chargeChars(arguments.length);
    return capString(apply(original, String, numericArguments(arguments, K.maxArguments)));
  });
}

`;
