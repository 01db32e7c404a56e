/**
 * Gas prices and resource caps. Consensus-critical: changing any number here
 * changes every node's gas figures and therefore needs a coordinated upgrade.
 *
 * One gas is roughly a few nanoseconds of QuickJS interpreter time on the
 * reference machine; prices for native work are set so that the gas charged
 * before a built-in runs covers its worst case, not its typical case.
 */
export const GAS = {
  /** Charged on every function entry, plus one per AST node of the body. */
  callBase: 4,
  /** Charged on every loop iteration, plus one per AST node of the loop. */
  loopBase: 2,
  /**
   * Native work on strings: one gas per this many code units (a scan such as
   * indexOf measured ~2.3 ns per code unit; 16 undercharged it ~5-fold).
   */
  charsPerGas: 4,
  /** Native work on arrays: gas per element visited (slice and spread measured ~27 ns per element). */
  perElement: 5,
  /** Typed arrays (numbers only, no callbacks), and per comparison of a sort (4 of these per n·log2 n). */
  perTypedElement: 2,
  /**
   * Enumerating own keys of an object (Object.keys and friends, for-in,
   * object spread): ~100 ns per key measured (metering reads the keys too).
   */
  perKey: 16,
  /**
   * Set union, intersection, difference and the like hash the long strings
   * of both sets again: this many times the per-key price (1 per charsPerGas
   * code units) of what the sets were given (union of 4 KB strings measured
   * ~10 ns per gas at 2).
   */
  setOperationHashes: 4,
  /** Map/Set/WeakMap/WeakSet construction, Object.fromEntries, groupBy: hashing, ~130 ns per element measured. */
  collectionPerElement: 20,
  /**
   * String.prototype.split, replace and replaceAll, and spreading or
   * iterating a string, per code unit of the receiver: each may make one
   * string or replacement per code unit, measured at about 50 ns each (the
   * charge per character alone undercharged them 100-fold or more).
   */
  splitPerChar: 12,
  /**
   * Unicode-table string methods, per code unit of the receiver and string
   * arguments on top of charsPerGas: normalize (NFKD of U+FDFA measured
   * ~720 ns per unit, 1,600 ns per gas at 1/4 gas), and case mapping and
   * localeCompare (~76 ns per unit with final sigmas or combining marks).
   */
  normalizePerChar: 128,
  caseMapPerChar: 16,
  /**
   * localeCompare instead, per code unit of both strings when either has a code unit past Latin-1
   * (QuickJS then normalizes each to NFC, composing up to ~840 ns per unit measured, for U+1F82).
   */
  localeComparePerChar: 64,
  /**
   * normalize and localeCompare order each run of non-starters (combining marks) of the decomposed
   * strings by insertion sort, and NFC composition walks each run back: per pair of marks in a run of r
   * (r(r-1)/2; ~50-120 ns a pair measured), and per run of four or more, for the prelude's interpreted
   * work of finding it (see chargeCombining in prelude/strings.ts).
   */
  combiningPair: 8,
  combiningRun: 128,
  /** Fixed part of every wrapped built-in call. */
  builtinBase: 2,
  /**
   * Arguments of a wrapped built-in beyond freeArguments, each (the
   * wrapper's loop over them measured ~120 ns per argument with Math.max
   * applied to 60,000: 172,000 ns per gas before; with apply's perElement
   * this keeps it near plain code's ns per gas).
   */
  freeArguments: 8,
  perArgument: 16,
  /**
   * Entry of a wrapped built-in (Math, Number, DataView, Map/Set keys,
   * array, typed-array and string methods...): its interpreted wrapper ran
   * 0.3-1.4 us per call as a native map's callback, charged only the
   * caller's perElement (65-170 ns per gas); this keeps the worst (a string
   * method) near 60 ns per gas.
   */
  wrapperEntry: 16,
  /**
   * Strings used as operands: code units of a string that a comparison,
   * conversion, switch or Map/Set key may use without an extra charge (every
   * address and amount is shorter). Longer operands pay per code unit, since
   * QuickJS compares, hashes and converts strings natively in O(length).
   */
  stringFreeChars: 64,
  /**
   * A string made by `+`, `+=` or a template literal, longer than
   * stringFreeChars: one gas per this many code units of the result (QuickJS
   * copies it; appending to a 4,000-unit string measured ~2x plain code's
   * ns per gas uncharged).
   */
  concatCharsPerGas: 16,
  /**
   * Making a function (declaration, expression, arrow, method, class and its
   * field initialisers), per distinct outer variable it or any function inside
   * it uses: QuickJS makes a variable reference for each as the closure is
   * made, ~45-100 ns measured (an arrow over 1,000 outer variables ran at
   * ~1,100 ns per gas when making it cost one node).
   */
  captureVar: 4,
  /**
   * Function entry, per parameter (QuickJS fills every missing argument:
   * ~4.5 ns each, 1,700 plain parameters ran at ~170 ns per gas for free) and
   * per binding declared anywhere in the function's own scopes (all of them
   * initialised at entry, those of loop bodies that never run as well:
   * ~150-160 ns per gas for free).
   */
  parameter: 1,
  binding: 1,
  /**
   * Each operand check or string cap the instrumenter inserts (a typeof
   * test and branch, ~30-35 ns measured, as much as ~6 gas of plain code),
   * charged with the static weight of the code around it so that CPU per gas
   * stays level.
   */
  operandCheck: 6,
  /**
   * An inline check of a value the engine may write as a string or use as a property key (a typeof
   * and a few comparisons on the way to the operator; a call to the prelude only when it fails).
   */
  inlineCheck: 2,
  /**
   * Checking a new object's prototype chain against LIMITS.maxPrototypeChain
   * (Object.create, class heritage, a literal `__proto__`, a proxy's target):
   * a prelude call and a lookup of the prototype's remembered length, and per
   * link walked where none is remembered (two lookups and a getPrototypeOf,
   * ~360 ns measured). Object.create then ran ~3.7 µs a call, a literal with
   * `__proto__` ~1.6 µs.
   */
  prototypeCheck: 48,
  prototypeLink: 24,
  /**
   * A class with a heritage: two chain checks and a descriptor read on top of
   * QuickJS making the class (~3 µs unpriced before): ~8 µs a class in all.
   */
  classHeritage: 128,
  /**
   * Each function declaration or expression (not arrows or methods), whose
   * prototype property the prelude makes read-only as it is made: a call and
   * a defineProperty that makes the prototype object QuickJS otherwise makes
   * lazily. A function expression then took ~2.6-3.6 µs to make, an arrow ~0.8.
   */
  prototypeSeal: 64,
  /**
   * Each step of the prelude's drain of an iterable (spread, Array.from, for-of over a non-array,
   * collection constructors): a next() call and a capped append in interpreted code, ~1.1-2.2 µs
   * measured, where builtinBase + perElement (7) ran it at 160-320 ns per gas.
   */
  drainStep: 32,
  /** Number.prototype.toString with a radix other than 10 on a value that is not a safe integer: up to ~1,100 digits. */
  radixDigits: 1_200,
  /**
   * Writing a double as a string (join, toString, the default sort, JSON.stringify, Number's methods):
   * ~75 µs a denormal, ~15-25 µs past 1e250 or below 1e-250, ~1-6 µs another non-integer (measured).
   */
  dtoaDenormal: 6_000,
  dtoaExtreme: 1_800,
  dtoaDouble: 96,
  /** Each \s \S \w \W \d \D of a pattern compiled at run time: a range set built and merged, ~1.5 µs. */
  regexClassEscape: 40,
  /**
   * Compiling a pattern at run time (new RegExp, a string given to match or search, the RegExp that
   * split and matchAll make): each compile (the checks and the native constructor took ~4-5.5 µs for
   * `new RegExp('abc')`, charged 13 gas: ~300 ns per gas); each part the prelude's scan finds (an
   * escape that builds a set, a class, a |: ~1.3-2.3 µs each with what QuickJS does for it); each code
   * unit of a character class (a member is one union that copies the class so far: ~250 ns a member,
   * and ~6 ns per pair of members, measured); and per code unit of bytecode a | or a lookbehind's
   * term moves (see compileCost in prelude/json-regexp.ts).
   */
  regexCompile: 500,
  regexPart: 64,
  regexClassUnit: 8,
  regexClassPairsPerGas: 2,
  regexMovesPerGas: 16,
  /**
   * A regex literal is compiled with the contract's snapshot, paid as cold code (coldCodePerWord): it
   * may do as much of that quadratic work, at these prices, per code unit of its pattern (a class of
   * up to ~66 members), so a build stays near ~40 ns per gas of cold code at worst (measured).
   */
  regexLiteralQuadraticPerChar: 16,
  /** Character comparisons of a naive string search (indexOf, includes, split, replace with a string) per gas: ~2.4 ns each. */
  searchComparisonsPerGas: 8,
  /**
   * Converting a string to a number (unary + and -, arithmetic, relational
   * comparisons, ++/--): QuickJS's number parser measured 5-45 ns per code
   * unit (digits and spaces slowest), against ~6.5 ns per gas of plain code.
   */
  toNumberPerChar: 2,
  /**
   * An object operand of arithmetic or a relational comparison is converted
   * by its own valueOf/toString, which may hand back any existing string:
   * charged as converting the longest string a contract can hold.
   */
  objectOperand: 2 * 4_096,
  /**
   * Object.assign into, or Object.defineProperties on, a typed array, an
   * array or a proxy: written in the prelude so each store that converts its
   * value is paid (see prototype-guards.ts); per key of each source, for the
   * interpreted descriptor read, get and store (~1-2 µs a key).
   */
  preludeStorePerKey: 80,
  /**
   * JSON.stringify: per value visited (the metering hook runs in the VM for
   * each: ~500-950 ns measured, 8 gas undercharged it ~15-fold) and per code
   * unit of output (escaped output measured ~19 ns per code unit).
   */
  jsonPerValue: 120,
  jsonStringifyPerChar: 3,
  /** JSON.parse (and storage values, nested-call results), per code unit of input: ~40 ns measured. */
  jsonParsePerChar: 6,
  /**
   * RegExp: fixed part of each exec, then per 10,000 matcher steps (one QuickJS poll). The exec wrapper
   * around the native (its checks and the host's poll count before and after) takes ~20-25 us: at 20,
   * `/a/.exec('aaa')` in a loop ran at ~780-1,050 ns per gas, now ~40-90.
   */
  regexBase: 500,
  regexPerPoll: 60_000,
  /**
   * Compiling a case-insensitive RegExp case-folds each character class:
   * per `[` (~15 us for [a-z]) and per `-` (~65 us for a range spanning the
   * BMP) of its source, measured; priced at ~6.5 ns per gas.
   */
  regexCaseClass: 2_500,
  regexCaseRange: 12_000,
  /**
   * Every Error QuickJS makes walks the whole stack and, per frame, scans
   * the frame's function's line table from its start: ~5 ns per character of
   * instrumented function per frame, measured (a 1,500-line function 40
   * frames deep: 5.9 ms per error, for 43 gas). An error a contract can see
   * costs, per line of its stack, errorFrameBase plus 1 per errorCharsPerGas
   * characters of the largest function that can be on the stack (see
   * chargeError in sandbox-prelude.ts).
   */
  errorFrameBase: 40,
  errorCharsPerGas: 2,
  /** Host calls. */
  hostBase: 100,
  /**
   * State access, modelled on EIP-2929. The prelude charges the warm price
   * (100) before every storage read, write or delete; the host adds the cold
   * surcharge the first time a transaction touches a slot (2,100 in all) or
   * an account other than the sender and the called contract (2,600 in all).
   */
  storageReadBase: 100,
  storageWriteBase: 100,
  storageDeleteBase: 100,
  coldSlotExtra: 2_000,
  warmAccount: 100,
  coldAccount: 2_600,
  /** Per byte of key and value crossing the host boundary (UTF-16 code units): marshalling only. */
  storagePerByte: 4,
  /**
   * Permanent disk growth, modelled on EIP-2200: writing a slot that did not
   * exist costs 20,000 in all (this plus the warm price), which covers 32
   * bytes of UTF-8 key and value; every byte a write adds beyond what the slot
   * held (or beyond those 32 bytes) costs storageGrowthPerByte (20,000 / 32).
   * Changing or deleting an existing slot costs 2,900 in all. Nothing is
   * refunded for deleting.
   */
  storageNewSlot: 19_900,
  storageModify: 2_800,
  storageGrowthPerByte: 625,
  storageSlotFreeBytes: 32,
  /**
   * Per UTF-8 byte of key and value beyond storageSlotFreeBytes, on every write of an existing
   * slot: each value written lands in a new state-tree leaf, and in the block's undo data when a
   * later write replaces it, and neither is ever deleted. Charged for growth alone, rewriting a
   * 65,536-character CJK slot (194.5 KB) cost ~7 gas a character: ~160 MiB of disk per
   * 200M-gas block. At 32 per byte (16 per byte made permanent, twice EVM LOG data) that block
   * stores ~12 MB, as much as one of events.
   */
  storageRewritePerByte: 32,
  /** A contract transfer that makes a new account (recipient balance 0), once per recipient and transaction. */
  newAccount: 25_000,
  eventBase: 200,
  /**
   * Per UTF-8 byte of an event's name and JSON data: each is written twice
   * (the event index and the receipt), 8 gas per byte written as EVM LOG
   * data. At 2 per UTF-16 unit CJK data wrote 1.19 bytes per gas (~220 MB
   * per 200M-gas block).
   */
  eventPerByte: 16,
  /** Per UTF-8 byte of a call's JSON return value (stored once, in the receipt). */
  returnPerByte: 8,
  /** A contract transfer (Ethereum's value-transfer price): the recipient's account is read, changed and written. */
  transferBase: 9_000,
  nestedCallBase: 5_000,
  /**
   * Per UTF-8 byte of the instrumented code a deploy stores, charged before it runs. The deploy
   * fee counts source characters, and instrumenting may multiply them (43× for `x=a+b;`
   * repeated): 1.75 MB stored for 46M gas, 26 gas a byte with cold code. With this, a byte of
   * stored code costs at least 62 gas (EVM CREATE: 200), a 200M-gas block at most ~3.2 MB of
   * code; the examples' code grows ~4×, so their deposit is a small share of their deploy fee.
   */
  codeDepositPerByte: 50,
  /**
   * Cold code, modelled on EIP-2929/EIP-7907: the first time a transaction
   * runs a contract's code (the called contract or deployed code, each
   * nested `call` target) it pays coldCodeBase plus coldCodePerWord per 32
   * UTF-16 code units of its instrumented code, for the node that has no
   * compiled snapshot of it (after a restart, every node). In-process, a
   * snapshot build (restore the base, evaluate, snapshot ~0.4 MB) cost as
   * much CPU as ~76,000 gas of plain code plus ~255 per word; inside block
   * validation (cache insertion, GC) the worst-block bench measured about
   * 1.5x that, priced here with some margin.
   */
  coldCodeBase: 100_000,
  coldCodePerWord: 400,
  codeWordChars: 32,
} as const;

export const LIMITS = {
  memoryBytes: 32 * 1024 * 1024,
  /**
   * QuickJS stack for a top-level call; each nested call gets half its
   * caller's. QuickJS measures only its shadow stack in wasm memory, while
   * its frames also use Node's native stack, several times more for
   * recursion through natives (bound-function chains, toString, JSON.parse:
   * up to ~8x, measured). At 32 KiB every such recursion, at all call depths
   * together, stops by QuickJS's own deterministic check within ~300 KB of
   * native stack, far inside Node's default 984 KB (see docs/consensus.md).
   */
  maxStackBytes: 32 * 1024,
  /**
   * Longest string a contract can hold: every metered path that makes a
   * string (concatenation, templates, built-ins, JSON) ends the call out of
   * gas beyond it; string and regex literals, identifiers and call-argument
   * strings longer than it are refused. Operators and built-ins charge by
   * string length; this cap bounds what any path left uncharged (a numeric
   * argument of a built-in converted from a string) can cost. A few KB, as an
   * Ethereum contract's strings in practice.
   */
  maxStringLength: 4 * 1024,
  /**
   * Most objects on any prototype chain, the object itself included. A property
   * lookup that fails walks the whole chain natively at the price of one
   * member access: 20,000 links made each failing lookup cost ~1.5 ms
   * (~1,850 ns per gas; a 50M-gas transaction held every validating node
   * for minutes). An instance of a class five levels deep uses 7.
   */
  maxPrototypeChain: 16,
  /** Most keys a proxy's ownKeys trap may answer (QuickJS checks them for duplicates pairwise). */
  maxProxyKeys: 4_096,
  /** Longest identifier (names end up in function names and error stacks). */
  maxIdentifierLength: 128,
  /** Longest array or typed array a metered built-in may create or visit. */
  maxArrayLength: 1 << 22,
  maxStorageKeyLength: 256,
  maxStorageValueLength: 64 * 1024,
  maxEventNameLength: 64,
  maxEventDataLength: 16 * 1024,
  maxRevertReasonLength: 256,
  maxCallDepth: 2,
  /** Most arguments apply, Reflect.apply/construct accept (QuickJS's own limit). */
  maxArguments: 65_535,
  /**
   * Kill switch only: QuickJS polls the interrupt handler about every 10,000
   * jumps/calls. Honest code charges far more than `1 / killPollsPerGas` gas
   * per poll, so the counter always runs out first; the count is
   * deterministic, and if it ever fires the call is out-of-gas with the whole
   * limit consumed.
   */
  killPollsPerGas: 1 / 8,
  killPollsBase: 64,
} as const;
