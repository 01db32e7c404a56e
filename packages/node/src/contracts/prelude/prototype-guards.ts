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
  return apply(objectDefineProperties, O, arguments);
});
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
