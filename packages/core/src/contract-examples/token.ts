/** A fungible token (name, symbol, decimals, supply; transfer, approve, transferFrom). Contract source text. */
export const token = `// Fungible token. Amounts are non-negative safe integers of base units.

function balanceKey(owner) { return 'balance:' + owner; }
function allowanceKey(owner, spender) { return 'allowance:' + owner + ':' + spender; }
function checkAddress(address) { require(typeof address === 'string' && address.length > 0 && address.length <= 128, 'bad address'); }
function checkAmount(amount) { require(Number.isSafeInteger(amount) && amount >= 0, 'bad amount'); }

function move(from, to, amount) {
  checkAddress(to);
  checkAmount(amount);
  const fromBalance = balanceOf(from);
  require(fromBalance >= amount, 'insufficient balance');
  storage.set(balanceKey(from), fromBalance - amount);
  storage.set(balanceKey(to), balanceOf(to) + amount);
  emit('Transfer', { from, to, amount });
}

export function init(name, symbol, decimals, supply) {
  require(typeof name === 'string' && typeof symbol === 'string', 'name and symbol must be strings');
  require(Number.isInteger(decimals) && decimals >= 0 && decimals <= 18, 'bad decimals');
  checkAmount(supply);
  storage.set('meta', { name, symbol, decimals });
  storage.set('totalSupply', supply);
  storage.set(balanceKey(msg.sender), supply);
  emit('Transfer', { from: null, to: msg.sender, amount: supply });
}

export function name() { return storage.get('meta').name; }
export function symbol() { return storage.get('meta').symbol; }
export function decimals() { return storage.get('meta').decimals; }
export function totalSupply() { return storage.get('totalSupply'); }
export function balanceOf(owner) { return storage.get(balanceKey(owner)) ?? 0; }
export function allowance(owner, spender) { return storage.get(allowanceKey(owner, spender)) ?? 0; }

export function transfer(to, amount) {
  move(msg.sender, to, amount);
  return true;
}

export function approve(spender, amount) {
  checkAddress(spender);
  checkAmount(amount);
  storage.set(allowanceKey(msg.sender, spender), amount);
  emit('Approval', { owner: msg.sender, spender, amount });
  return true;
}

export function transferFrom(from, to, amount) {
  checkAmount(amount);
  const allowed = allowance(from, msg.sender);
  require(allowed >= amount, 'allowance exceeded');
  storage.set(allowanceKey(from, msg.sender), allowed - amount);
  move(from, to, amount);
  return true;
}
`;
