/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: JSON and RegExp. */
export const preludeJsonRegexp = `/* JSON: parse by input length, stringify per value visited (the replacer hook) and by output length. */
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
    const out = jsonPrimitive(typeof replacer === 'function' ? apply(replacer, this, [key, v]) : v);
    if (typeof out === 'number') charge(dtoaCost(out));
    if (out !== null && typeof out === 'object') {
      const parent = apply(mapGet, depths, [this]);
      const depth = (parent === undefined ? 0 : parent) + 1;
      if (depth > K.maxJsonDepth) fail(RangeErrorCtor, 'JSON nests deeper than ' + K.maxJsonDepth);
      apply(mapSet, depths, [out, depth]);
    }
    return out;
  };
  const out = jsonStringify(value, hook, space !== null && typeof space === 'object' ? jsonGap(space) : space);
  if (out !== undefined) { charge(out.length * K.jsonStringifyPerChar); if (capped) capString(out); }
  return out;
}
/* A Number or String object (its internal slot, whatever its prototype) is written by JSON.stringify as its
   ToNumber or ToString, natively: its own valueOf or toString may answer a denormal (~75 us to write) or a
   4,096-digit string. Such a value (the tag its class gives, then its slot, probed) is converted here and
   the primitive passed on, paid (see paidPrimitive and stringOf); the space argument likewise (any other
   object there is ignored, as the native does). A probe that fails makes an error, paid (see chargeError). */
function wrapperClass(x, probe) {
  if (x === null || typeof x !== 'object' || isProxy(x) || isArray(x)) return 0;
  if (!probe && !taggedChain(x)) {
    const tag = apply(objectToString, x, []);
    if (tag !== '[object Number]' && tag !== '[object String]') return 0;
  } else if (isTyped(x)) return 0;
  try { apply(numberValueOfNative, x, []); return 1; } catch (e) { __hc_ck(e); }
  try { apply(stringValueOf, x, []); return 2; } catch (e) { __hc_ck(e); }
  return 0;
}
/* Whether a Symbol.toStringTag is on x's chain (or a proxy, which could answer one): then the tag is no
   evidence of the class, and x is probed. Own descriptors only: no contract code runs. */
function taggedChain(x) {
  for (let q = x; q !== null; q = getPrototypeOf(q)) {
    if (isProxy(q) || getOwnPropertyDescriptor(q, Symbol.toStringTag) !== undefined) return true;
  }
  return false;
}
function jsonPrimitive(x) {
  const c = wrapperClass(x, false);
  return c === 1 ? NumberCtor(paidPrimitive(x)) : c === 2 ? stringOf(x) : x;
}
function jsonGap(space) {
  const c = wrapperClass(space, true);
  return c === 1 ? NumberCtor(paidPrimitive(space)) : c === 2 ? stringOf(space) : undefined;
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
   string search does, twice under the i flag or in a group that sets it (case folding each character). */
setMethod(RegExp.prototype, 'exec', function exec(input) {
  const s = stringOf(input);
  chargeChars(s.length);
  charge(K.regexBase);
  const source = apply(regexSource, this, []);
  primitiveLastIndex(this);
  const folds = (flagGetters[0] !== undefined && apply(flagGetters[0], this, [])) || foldingGroup(source);
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
/* exec (and matchAll) convert lastIndex to a number natively: an object there (its valueOf may hand back a
   4,096-digit string, ~1,000 ns per gas) is made primitive here first and written back, paid as
   primitiveArguments does; a read-only one pays as an object operand. */
function primitiveLastIndex(rx) {
  const d = getOwnPropertyDescriptor(rx, 'lastIndex');
  if (d === undefined || !hasOwn(d, 'value')) return;
  const v = d.value;
  if (typeof v === 'number') return;
  if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
    if (d.writable) rx.lastIndex = paidPrimitive(v);
    else charge(K.objectOperand);
    return;
  }
  const n = longChars(v);
  if (n > 0) charge(n * K.toNumberPerChar);
}
function regexpSourceOf(p) {
  if (p === null || typeof p !== 'object' || isProxy(p)) return undefined;
  try { return apply(regexSource, p, []); } catch (e) { __hc_ck(e); return undefined; }
}
/* Compiling builds character sets natively, at costs the per-character price does not cover: a
   Unicode property escape (\\p{L}: ~100 us each, 2,000-5,000 ns per gas charged) and the v flag are
   refused; under the i flag, or in a group that turns it on ((?i:...)), every class is case-folded (~15 us
   for [a-z], ~65 us for each large range, measured), so each [ and each - pays. Flags of a RegExp pattern
   are read from its internal slots by the captured getters (a contract may redefine the prototype's).
   recompile() is removed. */
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
/* Whether a group of the pattern may turn case folding on ((?i:...), (?mi-s:...)): read loosely, so an
   escaped or class ( counts too. */
const foldingGroupPattern = /\\(\\?[a-zA-Z-]*i/;
function foldingGroup(source) {
  return apply(stringIndexOf, source, ['(?']) >= 0 && apply(regexpExec, foldingGroupPattern, [source]) !== null;
}
/* The parts of a pattern whose compiling may cost more than its length, one native match each, with the
   text before it (characters, and escapes that build nothing) passed over in the same match: an escape that
   builds a range set or is a back-reference (or a lone \\ at the end), a character class, a |. */
const regexParts = /(?:[^\\\\[|]|\\\\[^1-9kdDsSwW])*(\\\\[\\s\\S]?|\\[(?:[^\\\\\\]]|\\\\[\\s\\S]?)*\\]?|\\|)?/y;
const lookbehinds = /\\(\\?<[=!]/g;
const compiled = { __proto__: null, escapes: 0, units: 0, pairs: 0 };
function backReference(c) { return (c >= '1' && c <= '9') || c === 'k'; }
/* Counts a class's code units (its ] too, where it has one: cheaper than telling an escaped one apart),
   their pairs and its escapes that build sets; false for a back-reference. */
function classCost(part) {
  const units = part.length - 1;
  compiled.units += units;
  compiled.pairs += (units * (units - 1)) / 2;
  for (let i = apply(stringIndexOf, part, ['\\\\']); i >= 0 && i + 1 < part.length; i = apply(stringIndexOf, part, ['\\\\', i + 2])) {
    const e = part[i + 1];
    if (backReference(e)) return false;
    if (e === 's' || e === 'S' || e === 'w' || e === 'W' || e === 'd' || e === 'D') compiled.escapes++;
  }
  return true;
}
/* What compiling a pattern costs beyond its length, in gas, or -1 for a back-reference. Counted from the
   source, over-approximating QuickJS's parser (libregexp.c, pinned):
   - A character class is built one member at a time, each a union that copies the class's range list so
     far into a new one: ~250 ns a member and ~6 ns per pair of members (measured; 4,094 members ~50 ms,
     priced before at 2 gas a character: ~5,200 ns per gas). Any code unit of a class may be a member.
   - Each | moves the bytecode of its disjunction so far, and within a lookbehind, compiled backwards, each
     term moves the terms before it: quadratic too (4,096 |: ~100 ns per gas; (?<=a...a): ~300). Code
     units stand for the bytes moved: a | moves at most the pattern before it, a lookbehind's terms at most
     the rest of the pattern.
   - \\\\s \\\\S \\\\w \\\\W \\\\d \\\\D each build and merge a range set, ~1.5 us each: 2,000 of them compiled at ~300
     ns per gas before. A back-reference (an escape of a digit 1-9, or k, in a class too) compares what its
     group captured, up to the whole 4 KiB input, at the price of one matcher step: ^(.*)\\\\1*x on 4,000
     characters ran at 80 ns per gas, ~1,400 under the i flag. It is refused.
   - Each part found costs the scan here a native match and some interpreted steps. */
function compileCost(source) {
  let parts = 0, moves = 0;
  compiled.escapes = compiled.units = compiled.pairs = 0;
  regexParts.lastIndex = 0;
  for (let m = apply(regexpExec, regexParts, [source]); m[1] !== undefined; m = apply(regexpExec, regexParts, [source])) {
    const part = m[1];
    parts++;
    if (part === '|') moves += regexParts.lastIndex - 1;
    else if (part[0] === '[' ? !classCost(part) : backReference(part[1])) return -1;
    else if (part.length > 1) compiled.escapes++;
  }
  if (apply(stringIndexOf, source, ['(?<']) >= 0) {
    lookbehinds.lastIndex = 0;
    while (apply(regexpExec, lookbehinds, [source]) !== null) {
      const rest = source.length - lookbehinds.lastIndex;
      moves += (rest * (rest - 1)) / 2;
    }
  }
  return parts * K.regexPart + compiled.escapes * K.regexClassEscape + compiled.units * K.regexClassUnit +
    ceil(compiled.pairs / K.regexClassPairsPerGas) + ceil(moves / K.regexMovesPerGas);
}
function checkRegexp(source, ignoreCase, unicode, sets) {
  if (sets) fail(SyntaxErrorCtor, 'the RegExp v flag is not supported in contracts');
  const cost = compileCost(source);
  if (cost < 0) fail(SyntaxErrorCtor, 'back-references are not supported in contracts');
  charge(K.regexCompile + cost);
  if (unicode && (apply(stringIndexOf, source, ['\\\\p{']) >= 0 || apply(stringIndexOf, source, ['\\\\P{']) >= 0)) {
    fail(SyntaxErrorCtor, 'Unicode property escapes are not supported in contracts');
  }
  if (ignoreCase || foldingGroup(source)) charge(countOf(source, '[') * K.regexCaseClass + countOf(source, '-') * K.regexCaseRange);
}
function hasFlag(flags, c) { return apply(stringIndexOf, flags, [c]) >= 0; }
/* split and matchAll build a new RegExp through the receiver's species constructor, which a
   contract can point back at the unwrapped intrinsic (rx.constructor = undefined): each call pays
   for compiling the receiver's source as the constructor would. */
for (const sym of [Symbol.split, Symbol.matchAll]) {
  const original = RegExp.prototype[sym];
  setMethod(RegExp.prototype, sym, function () {
    plainRegExp(this);
    // The input is written as a string first (see textArguments); matchAll reads lastIndex; split converts its limit.
    textArguments(arguments, 0, 1);
    if (sym === Symbol.matchAll) primitiveLastIndex(this);
    else if (arguments.length > 1) arguments[1] = paidPrimitive(arguments[1]);
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
  setMethod(RegExp.prototype, sym, function () { plainRegExp(this); return apply(original, this, textArguments(arguments, 0, 1)); });
}
/* Called directly, not through String.prototype.replace, its input and result were neither paid nor
   capped: /(?:)/g with a replacement of 2,048 "$\`" made a 1.6M-character string (~5,000-9,000 ns per
   gas). It pays and caps as String.prototype.replace does. */
const regexpReplace = RegExp.prototype[Symbol.replace];
setMethod(RegExp.prototype, Symbol.replace, function (input, replacement) {
  plainRegExp(this);
  const s = stringOf(input);
  charge(K.builtinBase + s.length * K.splitPerChar);
  chargeConversions(arguments);
  // A replacement is written as a string, or a function's result is (see textCallback).
  replacement = typeof replacement === 'function' ? textCallback(replacement) : textOf(replacement, 'string');
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

`;
