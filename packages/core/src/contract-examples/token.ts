/**
 * A fungible token (name, symbol, decimals, supply; transfer, approve, transferFrom). Contract source text.
 *
 * transfer, approve, transferFrom and balanceOf take only 0x and 40 hex digits as an address (revert
 * 'bad address'): any other string (an address followed by an invisible character, say) would be a
 * storage key of its own, shown like someone's balance. allowance() only reads, so anything else is 0
 * there. Balances and allowances are keyed by the lower-case address, as contracts cannot hash for
 * EIP-55: msg.sender comes in checksum case, arguments in any case, and one account must have one
 * key. Comments in the source stay short: a deploy pays 600 gas per character, and tests deploy it
 * with 1.5M gas.
 */
export const token = `// Fungible token. Amounts are non-negative safe integers of base units.

function balanceKey(owner) { return 'balance:' + owner.toLowerCase(); }
function allowanceKey(owner, spender) { return 'allowance:' + owner.toLowerCase() + ':' + spender.toLowerCase(); }
function checkAddress(address) { require(typeof address === 'string' && /^0x[0-9a-fA-F]{40}$/.test(address), 'bad address'); }
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
export function balanceOf(owner) { checkAddress(owner); return storage.get(balanceKey(owner)) ?? 0; }
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
