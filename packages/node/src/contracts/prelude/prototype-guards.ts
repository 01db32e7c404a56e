/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: prototype changes, Object.create, Reflect.construct and sealed prototype properties. */
export const preludePrototypeGuards = `/* See chainLength. Changing a prototype could lengthen every chain through the object, which no check
   of the new prototype sees: only setting the one it has, or null, is allowed. */
const reflectSetPrototypeOf = R.setPrototypeOf, objectCreate = O.create;
const objectDefineProperties = O.defineProperties;
const protoAccessor = getOwnPropertyDescriptor(O.prototype, '__proto__');
function prototypeKept(o, p) {
  charge(K.wrapperEntry);
  if (p === null || o === null || (typeof o !== 'object' && typeof o !== 'function')) return;
  if (isProxy(o) || getPrototypeOf(o) !== p) fail(TypeErrorCtor, "changing an object's prototype is not supported in contracts");
}
setMethod(O, 'setPrototypeOf', function setPrototypeOf(o, p) { prototypeKept(o, p); return apply(nativeSetPrototypeOf, O, arguments); });
setMethod(R, 'setPrototypeOf', function setPrototypeOf(o, p) { prototypeKept(o, p); return apply(reflectSetPrototypeOf, R, arguments); });
const protoSetter = protoAccessor.set;
protoAccessor.set = function (p) { prototypeKept(this, p); return apply(protoSetter, this, [p]); };
defineProperty(O.prototype, '__proto__', protoAccessor);
/* Defining properties from a descriptor object visits its keys natively, as Object.assign does. */
setMethod(O, 'create', function create(p, properties) {
  charge(K.wrapperEntry + (properties === undefined ? 0 : enumCost(properties)));
  if (p !== null && (typeof p === 'object' || typeof p === 'function')) chainRoom(p, 1);
  return apply(objectCreate, O, arguments);
});
setMethod(O, 'defineProperties', function defineProperties(o, properties) {
  charge(K.wrapperEntry + enumCost(properties));
  const kind = storeKind(o);
  if (kind === 0 || properties === undefined || properties === null) return apply(objectDefineProperties, O, arguments);
  /* As the native does: every enumerable descriptor read (copied) first, then each defined in order. */
  const list = privateArray();
  forEachEnumerable(O(properties), function (key, desc) {
    if (desc === null || (typeof desc !== 'object' && typeof desc !== 'function')) fail(TypeErrorCtor, 'property descriptor must be an object');
    list[list.length] = key;
    list[list.length] = copiedDescriptor(desc);
  });
  for (let i = 0; i < list.length; i += 2) {
    const desc = list[i + 1];
    if (hasOwn(desc, 'value') && convertible(desc.value)) desc.value = paidConversions(storeConversions(kind, list[i]), desc.value);
    defineProperty(o, list[i], desc);
  }
  return o;
});
/* Storing into a typed array's numeric key converts the value to a number natively, and into an array's
   length twice (ToUint32 and ToNumber): an object's valueOf may hand back a 4,096-digit string, parsed
   unpaid (Reflect.set and Object.defineProperty of one ran at ~3,000-4,000 ns per gas). Such a value is
   made primitive here first and paid as the native will convert it (see primitiveArguments); a store
   through a proxy (which may forward it to an array's length) or to another receiver pays as an object
   operand without being converted. Any other store is left as it was. */
const reflectSet = R.set, reflectDefineProperty = R.defineProperty, objectDefineProperty = O.defineProperty;
/* What a store into x may convert: 1 a typed array (numeric keys), 2 an array (length), 3 a proxy (which may
   forward a store to an array's length), 0 anything else. */
function storeKind(x) {
  if (x === null || typeof x !== 'object') return 0;
  if (isProxy(x)) return 3;
  if (isArray(x)) return 2;
  return apply(taTag, x, []) !== undefined ? 1 : 0;
}
/* A value whose store may cost a conversion: an object, or a string past the free length. */
function convertible(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function' || (typeof v === 'string' && v.length > K.stringFreeChars));
}
/* A canonical numeric string is at most ~25 characters ('-1.2345678901234567e-300'). */
function canonicalNumeric(key) {
  if (typeof key === 'number') return true;
  if (typeof key !== 'string' || key.length > 32) return false;
  if (key === '-0') return true;
  // Written back as a string to compare: paid as any number written (see dtoaCost).
  const n = NumberCtor(key);
  charge(dtoaCost(n));
  return StringCtor(n) === key;
}
/* How many times storing at key converts the value: 0, 1 or 2; negative: that many, maybe, unseen. The
   interpreted checks of a store that may convert are paid as a wrapper's entry. */
function storeConversions(kind, key) {
  if (kind === 0) return 0;
  charge(K.wrapperEntry);
  if (kind === 1) return canonicalNumeric(key) ? 1 : 0;
  if (key !== 'length') return 0;
  return kind === 2 ? 2 : -2;
}
function paidConversions(c, v) {
  if (c === 0) return v;
  if (c > 0 && v !== null && (typeof v === 'object' || typeof v === 'function')) v = toPrimitiveNumber(v);
  const cost = (c < 0 ? -c : c) * conversionCost(v);
  if (cost > 0) charge(cost);
  return v;
}
/* ToPropertyKey, once, by the engine (a string needs no number parsed). */
function propertyKey(key) {
  if (key === null || (typeof key !== 'object' && typeof key !== 'function')) return key;
  const box = { __proto__: null };
  box[key] = 0;
  return ownKeys(box)[0];
}
/* ToPropertyDescriptor's reads, in its order, into a descriptor of the prelude's own. */
const descriptorFields = ['enumerable', 'configurable', 'value', 'writable', 'get', 'set'];
function copiedDescriptor(desc) {
  const out = { __proto__: null };
  for (let i = 0; i < descriptorFields.length; i++) {
    const f = descriptorFields[i];
    if (f in desc) out[f] = desc[f];
  }
  return out;
}
function definedValue(args) {
  const kind = storeKind(args[0]), desc = args[2];
  if (kind === 0 || desc === null || (typeof desc !== 'object' && typeof desc !== 'function')) return args;
  const key = args[1] = propertyKey(args[1]);
  const c = storeConversions(kind, key);
  if (c === 0) return args;
  charge(K.preludeStorePerKey);
  const copy = copiedDescriptor(desc);
  if (hasOwn(copy, 'value')) copy.value = paidConversions(c, copy.value);
  args[2] = copy;
  return args;
}
/* The key of each is made primitive and paid first (see textArguments). */
setMethod(O, 'defineProperty', function defineProperty(o, key, desc) {
  charge(K.wrapperEntry);
  return apply(objectDefineProperty, O, definedValue(textArguments(arguments, 1, 2)));
});
setMethod(R, 'defineProperty', function defineProperty(o, key, desc) {
  charge(K.wrapperEntry);
  return apply(reflectDefineProperty, R, definedValue(textArguments(arguments, 1, 2)));
});
setMethod(R, 'set', function set(target, key, value) {
  charge(K.wrapperEntry);
  key = textArguments(arguments, 1, 2)[1];
  if (convertible(value) && target !== null && typeof target === 'object') {
    const own = arguments.length < 4 || arguments[3] === target;
    const kind = storeKind(target), receiverKind = own ? 0 : storeKind(arguments[3]);
    if (kind !== 0 || receiverKind !== 0) {
      key = arguments[1] = propertyKey(key);
      if (own) arguments[2] = paidConversions(storeConversions(kind, key), value);
      else {
        const c = storeConversions(kind, key), r = storeConversions(receiverKind, key);
        const cost = ((c < 0 ? -c : c) + (r < 0 ? -r : r)) * conversionCost(value);
        if (cost > 0) charge(cost);
      }
    }
  }
  return apply(reflectSet, R, arguments);
});
/* Object.assign into such a target: written here as the native does (each source's own keys, enumerable
   ones read and stored in order), each store paid as above. */
function assignInto(target, args) {
  const kind = storeKind(target);
  for (let s = 1; s < args.length; s++) {
    const from = args[s];
    if (from === undefined || from === null) continue;
    forEachEnumerable(O(from), function (key, v) {
      target[key] = convertible(v) ? paidConversions(storeConversions(kind, key), v) : v;
    });
  }
  return target;
}
/* Each enumerable own key of source and its value, in order, read as the natives read them (each key
   visited runs ~1-2 us of interpreted code, paid first). */
function forEachEnumerable(source, each) {
  const keys = ownKeys(source);
  charge(keys.length * K.preludeStorePerKey);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const own = getOwnPropertyDescriptor(source, key);
    if (own === undefined || !own.enumerable) continue;
    each(key, source[key]);
  }
}
/* Reflect.construct's new.target and a class heritage give the new object's prototype by their
   prototype property: only one of their own that can never change (a bound function has none and
   reads on up its chain, which a contract may give a getter; a contract may define a configurable one
   on it). Its chain is checked by the caller. */
function fixedPrototype(C) {
  if (typeof C !== 'function') return;
  const d = getOwnPropertyDescriptor(C, 'prototype');
  if (d === undefined || !hasOwn(d, 'value') || d.writable !== false || d.configurable !== false) {
    fail(TypeErrorCtor, 'only a class, a function or a built-in constructor can be extended or stand as new.target in contracts');
  }
  return d.value;
}
/* Function declarations and expressions: their prototype property becomes read-only as they are made
   (the instrumenter inserts the call), so an instance's chain is one longer than a prototype checked
   when its class was made. Arrows, methods and accessors have none. */
const SEALED = freeze({ __proto__: null, writable: false });
function __hc_sf(f) {
  defineProperty(f, 'prototype', SEALED);
  return f;
}
/* A class's prototype and its instances sit two and three links under its heritage's prototype; the
   class itself one under the heritage. */
function __hc_ex(C) {
  if (C === null || typeof C !== 'function') return C;
  charge(K.classHeritage);
  const p = fixedPrototype(C);
  if (p !== null && (typeof p === 'object' || typeof p === 'function')) chainRoom(p, 2);
  return chainRoom(C, 1);
}
/* A literal's __proto__: value. */
function __hc_pr(p) {
  return p !== null && (typeof p === 'object' || typeof p === 'function') ? chainRoom(p, 1) : p;
}

`;
