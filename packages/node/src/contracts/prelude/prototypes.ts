/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: the prototype-chain cap and contract proxies. */
export const preludePrototypes = `/* Prototype chains hold at most K.maxPrototypeChain objects: a lookup that fails walks the whole
   chain natively for one member access's gas. A chain only grows where an object is made on a
   prototype, so every such place checks the prototype's chain: Object.create, a literal __proto__,
   class heritage and a proxy's target (a lookup on a proxy without a get trap walks its target's
   chain). Everything else builds on a constructor's prototype property, which is never writable
   here (see __hc_sf), and prototypes are never changed after an object is made (setPrototypeOf). */
/* Each checked prototype's chain length, so a chain grown one object at a time is walked one link at a
   time. A chain never grows after an object is made, and only shrinks (a prototype set to null): a
   remembered length is never short. A contract's proxy is remembered as it is made (see proxyWeight),
   so the walk stops at one without running its getPrototypeOf trap. */
const chainLengths = new WeakMapCtor();
const nativeBindOf = getPrototypeOf(weakMapGet).bind;
const knownLength = apply(nativeBindOf, weakMapGet, [chainLengths]), rememberLength = apply(nativeBindOf, weakMapSet, [chainLengths]);
function chainLength(p) {
  let n = 0, below = 0, q = p;
  while (q !== null && (typeof q === 'object' || typeof q === 'function')) {
    const known = knownLength(q);
    if (known !== undefined) { below = known; break; }
    if (++n > K.maxPrototypeChain) break;
    q = getPrototypeOf(q);
  }
  charge(K.prototypeCheck + n * K.prototypeLink);
  const length = n + below;
  if (length <= K.maxPrototypeChain) rememberLength(p, length);
  return length;
}
/* An object made on prototype p (with extra more objects below it on the chain); p is returned. */
function chainRoom(p, extra) {
  if (chainLength(p) + extra > K.maxPrototypeChain) {
    fail(TypeErrorCtor, 'prototype chains are limited to ' + K.maxPrototypeChain + ' objects in contracts');
  }
  return p;
}
/* A lookup that reaches a proxy looks its trap up on the handler, then, with no trap, goes on to the
   target: a proxy weighs one link plus its handler's chain plus its target's. Counting the target
   alone, new Proxy(new Proxy(T, D), D) doubled the work of each level: 28 levels held one lookup
   for 33 s. The weight is remembered as the proxy's chain length; neither part can change. (The
   handler is the prelude's own, see proxyHandler, one link.) */
function proxyWeight(target, handler) {
  /* A function's proxy could stand as a constructor or new.target whose prototype a get trap decides. */
  if (typeof target === 'function') fail(TypeErrorCtor, 'proxies of functions are not supported in contracts');
  /* A store through it would reach the typed array's native conversion past __hc_tw. */
  if (isTyped(target)) fail(TypeErrorCtor, 'proxies of typed arrays are not supported in contracts');
  let weight = 1;
  if (target !== null && typeof target === 'object') weight += chainLength(target);
  if (handler !== null && (typeof handler === 'object' || typeof handler === 'function')) weight += chainLength(handler);
  if (weight > K.maxPrototypeChain) fail(TypeErrorCtor, 'prototype chains are limited to ' + K.maxPrototypeChain + ' objects in contracts');
  return weight;
}

/* A proxy gets a handler of the prelude's: the contract's traps are read once, as the proxy is made, and
   called on its handler as the engine would. Its ownKeys answer must be a plain array of at most
   K.maxProxyKeys keys, paid for as QuickJS checks it for duplicates, pairwise (an ownKeys trap answering
   20,000 keys made JSON.stringify of the proxy take ~150 ms for 175 gas). */
const trapNames = ['getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions', 'getOwnPropertyDescriptor',
  'defineProperty', 'has', 'get', 'set', 'deleteProperty', 'ownKeys'];
function proxyHandler(handler) {
  if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) return handler;
  const out = { __proto__: null };
  for (let i = 0; i < trapNames.length; i++) {
    const name = trapNames[i];
    const trap = handler[name];
    if (trap === undefined || trap === null) continue;
    if (typeof trap !== 'function') fail(TypeErrorCtor, 'proxy trap ' + name + ' is not a function');
    out[name] = name === 'ownKeys'
      ? function (target) {
        const keys = apply(trap, handler, [target]);
        if (!isPlainArray(keys)) fail(TypeErrorCtor, 'a proxy ownKeys trap must return an array in contracts');
        const n = keys.length;
        if (n > K.maxProxyKeys) fail(RangeErrorCtor, 'a proxy ownKeys trap may return at most ' + K.maxProxyKeys + ' keys in contracts');
        charge(n * K.perKey + ceil((n * n) / K.searchComparisonsPerGas));
        return keys;
      }
      : function () { return apply(trap, handler, arguments); };
  }
  return freeze(out);
}

/* Proxies are tracked so array wrappers can refuse them: a length trap could
   report a small length to the meter and a huge one to the native method. */
const ProxyCtor = Proxy, proxyRevocable = Proxy.revocable;
defineProperty(ProxyCtor, 'revocable', { value: function revocable(target, handler) {
  const own = proxyHandler(handler);
  const weight = proxyWeight(target, own);
  const r = proxyRevocable(target, own);
  apply(weakSetAdd, proxies, [r.proxy]);
  rememberLength(r.proxy, weight);
  return r;
}, writable: false, configurable: false });
const proxyWrapper = new ProxyCtor(ProxyCtor, {
  construct: function (t, args, newTarget) {
    const target = args[0];
    if (args.length > 1) args[1] = proxyHandler(args[1]);
    const weight = proxyWeight(target, args[1]);
    const p = construct(t, args, newTarget === proxyWrapper ? t : newTarget);
    apply(weakSetAdd, proxies, [p]);
    rememberLength(p, weight);
    return p;
  },
});
G.Proxy = proxyWrapper;
/* The object of a member a value is stored into by syntax (see instrument.ts): a typed array converts
   what it stores to a number natively, and an object's valueOf may hand back a 4,096-digit string
   (~90 us to parse; stores ran at ~3,000 ns per gas). A typed array is stored into through a view of
   the prelude's that pays for the value first; its get serves compound assignments. Anything else is
   used as it is. */
const storeViews = new WeakMapCtor();
const storeHandler = freeze({
  __proto__: null,
  get: function (t, k) { return t[k]; },
  set: function (t, k, v) { const c = conversionCost(v); if (c > 0) charge(c); t[k] = v; return true; },
});
function storeView(o, views, handler) {
  let view = apply(weakMapGet, views, [o]);
  if (view === undefined) {
    view = new ProxyCtor(o, handler);
    apply(weakMapSet, views, [o, view]);
  }
  return view;
}
function __hc_tw(o) {
  // Every syntactic store of a computed key passes here: one native call for the common case (isTyped
  // took ~1.3 us). A DataView passes too, which takes its stores as properties, paid as typed ones.
  if (o === null || typeof o !== 'object' || !isView(o)) return o;
  return storeView(o, storeViews, storeHandler);
}
/* The object of a member named length a value is stored into: an array (or a proxy of one) converts the
   value twice, natively (a valueOf answering 4,096 digits that read as a valid length: ~3,000 ns per gas). */
const lengthViews = new WeakMapCtor();
const lengthHandler = freeze({
  __proto__: null,
  get: function (t, k) { return t[k]; },
  set: function (t, k, v) { const c = conversionCost(v); if (c > 0) charge(2 * c); t[k] = v; return true; },
});
function __hc_tl(o) {
  return o !== null && typeof o === 'object' && isArray(o) ? storeView(o, lengthViews, lengthHandler) : o;
}

`;
