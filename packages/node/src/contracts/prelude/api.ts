/** Sandbox prelude text, part of one script joined in order by ../sandbox-prelude.ts: the contract API (storage, balance, transfer, emit, require, call). */
export const preludeApi = `/* Contract API. */
function describe(e) {
  if (typeof e === 'string') return e;
  if (e === null || typeof e !== 'object' || isProxy(e)) return 'non-error value thrown';
  const proto = getPrototypeOf(e);
  const d = getOwnPropertyDescriptor(e, 'message');
  const message = d !== undefined && typeof d.value === 'string' ? d.value : 'error';
  for (let i = 0; i < errorProtos.length; i++) {
    if (proto === errorProtos[i] && i > 0) return getOwnPropertyDescriptor(proto, 'name').value + ': ' + message;
  }
  return message;
}
function checkString(value, what, max) {
  if (typeof value !== 'string') fail(TypeErrorCtor, what + ' must be a string');
  if (value.length > max) fail(RangeErrorCtor, what + ' longer than ' + max);
  return value;
}
/* Values leaving the VM (return value, event data, storage values, nested-call
   arguments) are nested at most K.maxValueDepth deep, so the host never walks
   deeper ones. The hook runs before each value is serialised, with its holder
   as this: a value's depth is its holder's plus one. */
function boundedStringify(value, what) {
  const depths = new MapCtor();
  return meteredStringify(value, function (key, v) {
    if (v !== null && typeof v === 'object') {
      const parent = apply(mapGet, depths, [this]);
      const depth = (parent === undefined ? 0 : parent) + 1;
      if (depth > K.maxValueDepth) fail(RangeErrorCtor, what + ' nests deeper than ' + K.maxValueDepth);
      apply(mapSet, depths, [v, depth]);
    }
    return v;
  }, undefined, false);
}
function toJsonText(value, what, max) {
  const json = boundedStringify(value, what);
  if (json === undefined) fail(TypeErrorCtor, what + ' is not JSON-serialisable');
  if (json.length > max) fail(RangeErrorCtor, what + ' longer than ' + max + ' characters of JSON');
  return json;
}
function isDecimal(s) {
  if (s.length === 0 || s.length > 40 || (s.length > 1 && apply(charCodeAt, s, [0]) === 48)) return false;
  for (let i = 0; i < s.length; i++) {
    const c = apply(charCodeAt, s, [i]);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
function toAmount(amount) {
  if (typeof amount === 'number' && isSafeInteger(amount) && amount >= 0) return StringCtor(amount);
  if (typeof amount === 'string' && isDecimal(amount)) return amount;
  fail(TypeErrorCtor, 'amount must be a non-negative safe integer or a decimal string');
}
/* Keys are stored as UTF-8, which cannot hold a lone surrogate: QuickJS would hand the host
   U+D800 as three U+FFFD, aliasing that key (and pricing 1 character for 9 bytes). */
function storageKey(key) {
  checkString(key, 'storage key', K.maxStorageKeyLength);
  for (let i = 0; i < key.length; i++) {
    const c = apply(charCodeAt, key, [i]);
    if (c < 0xD800 || c > 0xDFFF) continue;
    const next = c <= 0xDBFF && i + 1 < key.length ? apply(charCodeAt, key, [i + 1]) : 0;
    if (next < 0xDC00 || next > 0xDFFF) fail(ErrorCtor, 'storage key is not well-formed Unicode');
    i++;
  }
  return key;
}
const storage = freeze({
  get: function get(key) {
    storageKey(key);
    charge(K.storageReadBase + key.length * K.storagePerByte);
    const reply = host.sget(key);
    const bar = apply(stringIndexOf, reply, ['|']);
    charge(NumberCtor(apply(stringSlice, reply, [0, bar])));
    if (bar === reply.length - 1) return undefined;
    const json = apply(stringSlice, reply, [bar + 1]);
    charge(json.length * (K.storagePerByte + K.jsonParsePerChar));
    return jsonParse(json);
  },
  set: function set(key, value) {
    storageKey(key);
    const json = toJsonText(value, 'storage value', K.maxStorageValueLength);
    charge(K.storageWriteBase + (key.length + json.length) * K.storagePerByte);
    charge(host.sset(key, json));
  },
  delete: function (key) {
    storageKey(key);
    charge(K.storageDeleteBase + key.length * K.storagePerByte);
    charge(host.sdel(key));
  },
});
function balance() { charge(K.hostBase); return host.balance(); }
function transfer(to, amount) {
  checkString(to, 'recipient address', 128);
  const units = toAmount(amount);
  charge(K.transferBase);
  charge(host.transfer(to, units));
}
let eventsEmitted = 0;
function emit(name, data) {
  if (eventsEmitted >= K.maxEvents) fail(RangeErrorCtor, 'more than ' + K.maxEvents + ' events');
  checkString(name, 'event name', K.maxEventNameLength);
  const json = toJsonText(data === undefined ? null : data, 'event data', K.maxEventDataLength);
  charge(K.eventBase);
  // The host answers the UTF-8 bytes the event adds to the block's records (a CJK character is 3).
  charge(host.emit(name, json) * K.eventPerByte);
  eventsEmitted++;
}
function require(condition, message) {
  if (!condition) throw new ErrorCtor(message === undefined ? 'require failed' : toStr(message));
}
function call(address, fn, args) {
  checkString(address, 'contract address', 128);
  checkString(fn, 'function name', 64);
  if (args !== undefined && !isPlainArray(args)) fail(TypeErrorCtor, 'call arguments must be an array');
  const json = toJsonText(args === undefined ? [] : args, 'call arguments', K.maxEventDataLength);
  charge(K.nestedCallBase);
  const reply = host.call(address, fn, json, gasLeft());
  const bar = apply(stringIndexOf, reply, ['|']);
  charge(NumberCtor(apply(stringSlice, reply, [1, bar])));
  if (reply[0] === 'O') __hc_oog();
  const payload = apply(stringSlice, reply, [bar + 1]);
  if (reply[0] === 'R') throw new ErrorCtor('call reverted: ' + payload);
  charge(payload.length * K.jsonParsePerChar);
  return payload === '' ? undefined : jsonParse(payload);
}

`;
