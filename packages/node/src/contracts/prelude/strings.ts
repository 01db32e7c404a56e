/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: string searches and methods, numbers, Math, errors and functions. */

/**
 * Combining marks as the pinned QuickJS's Unicode tables have them (code point ranges, hex), read from
 * the engine itself (combining-marks.test.ts derives them again from every code point). normalize and
 * localeCompare decompose a string (canonically, or by compatibility for NFKC and NFKD), then put each
 * maximal run of non-starters (canonical combining class other than 0) in order by insertion sort,
 * quadratic in the run's length. What either decomposition makes of a code point:
 * - nonStarters: only non-starters (two for doubleMarks, one for the rest);
 * - oneTrailing, twoTrailing, threeTrailing: a starter, then that many non-starters.
 * Every other code point decomposes to starters, with at most one non-starter between two of them.
 */
export const COMBINING_MARKS = {
  nonStarters:
    '300-34e 350-36f 483-487 591-5bd 5bf 5c1-5c2 5c4-5c5 5c7 610-61a 64b-65f 670 6d6-6dc 6df-6e4 6e7-6e8 ' +
    '6ea-6ed 711 730-74a 7eb-7f3 7fd 816-819 81b-823 825-827 829-82d 859-85b 897-89f 8ca-8e1 8e3-8ff 93c ' +
    '94d 951-954 9bc 9cd 9fe a3c a4d abc acd b3c b4d bcd c3c c4d c55-c56 cbc ccd d3b-d3c d4d dca e38-e3a ' +
    'e48-e4b eb8-eba ec8-ecb f18-f19 f35 f37 f39 f71-f75 f7a-f7d f80-f84 f86-f87 fc6 1037 1039-103a 108d ' +
    '135d-135f 1714-1715 1734 17d2 17dd 18a9 1939-193b 1a17-1a18 1a60 1a75-1a7c 1a7f 1ab0-1abd 1abf-1add ' +
    '1ae0-1aeb 1b34 1b44 1b6b-1b73 1baa-1bab 1be6 1bf2-1bf3 1c37 1cd0-1cd2 1cd4-1ce0 1ce2-1ce8 1ced 1cf4 ' +
    '1cf8-1cf9 1dc0-1dff 20d0-20dc 20e1 20e5-20f0 2cef-2cf1 2d7f 2de0-2dff 302a-302f 3099-309a a66f ' +
    'a674-a67d a69e-a69f a6f0-a6f1 a806 a82c a8c4 a8e0-a8f1 a92b-a92d a953 a9b3 a9c0 aab0 aab2-aab4 ' +
    'aab7-aab8 aabe-aabf aac1 aaf6 abed fb1e fe20-fe2f ff9e-ff9f 101fd 102e0 10376-1037a 10a0d 10a0f ' +
    '10a38-10a3a 10a3f 10ae5-10ae6 10d24-10d27 10d69-10d6d 10eab-10eac 10efa-10efb 10efd-10eff ' +
    '10f46-10f50 10f82-10f85 11046 11070 1107f 110b9-110ba 11100-11102 11133-11134 11173 111c0 111ca ' +
    '11235-11236 112e9-112ea 1133b-1133c 1134d 11366-1136c 11370-11374 113ce-113d0 11442 11446 1145e ' +
    '114c2-114c3 115bf-115c0 1163f 116b6-116b7 1172b 11839-1183a 1193d-1193e 11943 119e0 11a34 11a47 ' +
    '11a99 11c3f 11d42 11d44-11d45 11d97 11f41-11f42 1612f 16af0-16af4 16b30-16b36 16ff0-16ff1 1bc9e ' +
    '1d165-1d169 1d16d-1d172 1d17b-1d182 1d185-1d18b 1d1aa-1d1ad 1d242-1d244 1e000-1e006 1e008-1e018 ' +
    '1e01b-1e021 1e023-1e024 1e026-1e02a 1e08f 1e130-1e136 1e2ae 1e2ec-1e2ef 1e4ec-1e4ef 1e5ee-1e5ef ' +
    '1e6e3 1e6e6 1e6ee-1e6ef 1e6f5 1e8d0-1e8d6 1e944-1e94a',
  doubleMarks: '344 f73 f75 f81',
  oneTrailing:
    'a8 af b4 b8 c0-c5 c7-cf d1-d6 d9-dd e0-e5 e7-ef f1-f6 f9-fd ff-10f 112-125 128-130 134-137 139-13e ' +
    '143-148 14c-151 154-165 168-17e 1a0-1a1 1af-1b0 1c4-1c6 1cd-1d4 1e2-1e3 1e6-1eb 1ee-1f0 1f4-1f5 ' +
    '1f8-1f9 1fc-21b 21e-21f 226-229 22e-22f 232-233 2d8-2dd 37a 384 386 388-38a 38c 38e-38f 3aa-3af ' +
    '3ca-3ce 3d3-3d4 400-401 403 407 40c-40e 419 439 450-451 453 457 45c-45e 476-477 4c1-4c2 4d0-4d3 ' +
    '4d6-4d7 4da-4df 4e2-4e7 4ea-4f5 4f8-4f9 622-626 6c0 6c2 6d3 929 931 934 958-95f 9dc-9dd 9df a33 a36 ' +
    'a59-a5b a5e b5c-b5d c48 dda ddd f76 f78 1e00-1e07 1e0a-1e13 1e18-1e1b 1e1e-1e2d 1e30-1e37 1e3a-1e4b ' +
    '1e54-1e5b 1e5e-1e63 1e6a-1e77 1e7c-1e99 1e9b 1ea0-1ea3 1eb8-1ebd 1ec8-1ecf 1ee4-1ee7 1ef2-1ef9 ' +
    '1f00-1f01 1f08-1f09 1f10-1f11 1f18-1f19 1f20-1f21 1f28-1f29 1f30-1f31 1f38-1f39 1f40-1f41 1f48-1f49 ' +
    '1f50-1f51 1f59 1f60-1f61 1f68-1f69 1f70-1f7d 1fb0-1fb1 1fb3 1fb6 1fb8-1fbd 1fbf-1fc0 1fc3 1fc6 ' +
    '1fc8-1fcc 1fd0-1fd1 1fd6 1fd8-1fdb 1fe0-1fe1 1fe4-1fe6 1fe8-1fec 1ff3 1ff6 1ff8-1ffe 2017 203e 212b ' +
    '219a-219b 21ae 21cd-21cf 2204 2209 220c 2224 2226 2241 2244 2247 2249 2260 2262 226d-2271 2274-2275 ' +
    '2278-2279 2280-2281 2284-2285 2288-2289 22ac-22af 22e0-22e3 22ea-22ed 2adc 304c 304e 3050 3052 3054 ' +
    '3056 3058 305a 305c 305e 3060 3062 3065 3067 3069 3070-3071 3073-3074 3076-3077 3079-307a 307c-307d ' +
    '3094 309b-309c 309e 30ac 30ae 30b0 30b2 30b4 30b6 30b8 30ba 30bc 30be 30c0 30c2 30c5 30c7 30c9 ' +
    '30d0-30d1 30d3-30d4 30d6-30d7 30d9-30da 30dc-30dd 30f4 30f7-30fa 30fe 3304 3307 3310 331e 3321 3332 ' +
    '333b 3340 334b 334e fb1d fb1f fb2a-fb2b fb2e-fb36 fb38-fb3c fb3e fb40-fb41 fb43-fb44 fb46-fb4e ' +
    'fba4-fba5 fbb0-fbb1 fc5b-fc5d fc90 fcd9 fd3c-fd3d fe49-fe4c fe70-fe72 fe74 fe76-fe7f fe81-fe8c ' +
    'fef5-fefa ffe3 105c9 105e4 1109a 1109c 110ab 1d15e-1d15f 1d1bb-1d1bc 1f213',
  twoTrailing:
    '1d5-1dc 1de-1e1 1ec-1ed 1fa-1fb 22a-22d 230-231 385 390 3b0 f77 f79 1e08-1e09 1e14-1e17 1e1c-1e1d ' +
    '1e2e-1e2f 1e38-1e39 1e4c-1e53 1e5c-1e5d 1e64-1e69 1e78-1e7b 1ea4-1eb7 1ebe-1ec7 1ed0-1ee3 1ee8-1ef1 ' +
    '1f02-1f07 1f0a-1f0f 1f12-1f15 1f1a-1f1d 1f22-1f27 1f2a-1f2f 1f32-1f37 1f3a-1f3f 1f42-1f45 1f4a-1f4d ' +
    '1f52-1f57 1f5b 1f5d 1f5f 1f62-1f67 1f6a-1f6f 1f80-1f81 1f88-1f89 1f90-1f91 1f98-1f99 1fa0-1fa1 ' +
    '1fa8-1fa9 1fb2 1fb4 1fb7 1fc1-1fc2 1fc4 1fc7 1fcd-1fcf 1fd2-1fd3 1fd7 1fdd-1fdf 1fe2-1fe3 1fe7 ' +
    '1fed-1fee 1ff2 1ff4 1ff7 fb2c-fb2d fc5e-fc63 fcf2-fcf4 1d160-1d164 1d1bd-1d1c0',
  threeTrailing: '1f82-1f87 1f8a-1f8f 1f92-1f97 1f9a-1f9f 1fa2-1fa7 1faa-1faf',
} as const;

/** A regex class body for hex ranges such as '300-34e 350'. */
function rangeClass(ranges: string): string {
  return ranges.split(' ').map((r) => r.split('-').map((h) => `\\u{${h}}`).join('-')).join('');
}

/* A run that can need reordering, in the decomposed string, of four non-starters or more: non-starters after a
   starter that decomposes with trailing ones (their count the group that matched), or four or more. A
   shorter run (six marks at most, from three doubleMarks) costs the sort little beside the code units' own
   price; leaving them out keeps the scan from stopping at every accent of vocalised Hebrew or Arabic, or of
   text already in NFD. */
const nonStarters = rangeClass(COMBINING_MARKS.nonStarters);
const combiningRunSource =
  `([${rangeClass(COMBINING_MARKS.threeTrailing)}])[${nonStarters}]+|` +
  `([${rangeClass(COMBINING_MARKS.twoTrailing)}])[${nonStarters}]{2,}|` +
  `([${rangeClass(COMBINING_MARKS.oneTrailing)}])[${nonStarters}]{3,}|[${nonStarters}]{4,}`;
const doubleMarks = COMBINING_MARKS.doubleMarks.split(' ').map((h) => `c === 0x${h}`).join(' || ');

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
/* normalize (every form) and localeCompare (NFC, both strings) sort each run of non-starters of the
   decomposed string by insertion, and NFC composition walks it back: a 4,081-mark run took localeCompare
   ~370 ms for its per-unit price (~5,600 ns per gas). Each long run pays per pair of its marks (see
   COMBINING_MARKS), and for the interpreted work of finding it; one native scan finds them all. */
const combiningRuns = new RegExp(${JSON.stringify(combiningRunSource)}, 'gu'), nativeExec = RegExp.prototype.exec;
function chargeCombining(s) {
  combiningRuns.lastIndex = 0;
  for (let m = apply(nativeExec, combiningRuns, [s]); m !== null; m = apply(nativeExec, combiningRuns, [s])) {
    const run = m[0];
    let r = 0, i = 0;
    for (let g = 1; g <= 3; g++) if (m[g] !== undefined) { r = 4 - g; i = m[g].length; }
    for (; i < run.length; i++) {
      const c = apply(charCodeAt, run, [i]);
      // The low half of a pair was counted with its high half.
      if (c < 0xDC00 || c > 0xDFFF) r += ${doubleMarks} ? 2 : 1;
    }
    charge(K.combiningRun + ((r * (r - 1)) / 2) * K.combiningPair);
  }
}
/* localeCompare normalizes both strings to NFC, as normalize() does, unless a string is all Latin-1 (copied
   as it is): composing measured up to ~840 ns per code unit (U+1F82, three marks), 52 ns per gas at the
   case-mapping price. Both strings are scanned as one, a NUL (a starter) between them; Latin-1 has no
   non-starters. */
const beyondLatin1 = /[^\\0-\\xff]/;
function chargeLocaleCompare(s, t) {
  const both = s + '\\0' + t;
  if (apply(nativeExec, beyondLatin1, [both]) === null) return;
  charge((s.length + t.length) * (K.localeComparePerChar - K.caseMapPerChar));
  chargeCombining(both);
}
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
      if (name === 'normalize') chargeCombining(s);
      else if (name === 'localeCompare') chargeLocaleCompare(s, args[0]);
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
