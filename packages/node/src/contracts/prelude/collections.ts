/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: Map, Set, WeakMap, WeakSet and object enumeration. */
export const preludeCollections = `/* Collections built from iterables. */
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
      // Into a typed array or an array, a store may convert what it stores (see storeKind).
      if (name === 'assign' && storeKind(arguments[0]) !== 0) return assignInto(arguments[0], arguments);
      return apply(original, target, arguments);
    });
  }
}
for (const [target, name] of [[Object, 'fromEntries'], [Object, 'groupBy'], [Map, 'groupBy']]) {
  const original = target[name];
  if (typeof original !== 'function') continue;
  setMethod(target, name, function (items, fn) {
    const list = collected(items);
    return apply(original, target, [name === 'fromEntries' ? keyedEntries(list) : list, fn]);
  });
}
/* Object.fromEntries makes a key of each entry's first element: each entry read here (its 0, then its 1, as
   the native does) into a pair of the prelude's, its key made primitive and paid (see textOf). */
function keyedEntries(list) {
  const out = privateArray();
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) fail(TypeErrorCtor, 'entry is not an object');
    const pair = privateArray();
    pair[0] = e[0];
    pair[1] = e[1];
    pair[0] = textOf(pair[0], 'string');
    out[i] = pair;
  }
  return published(out);
}

`;
