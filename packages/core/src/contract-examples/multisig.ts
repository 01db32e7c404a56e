/** A multi-signature wallet: a transfer from the contract executes once threshold owners confirm it. Contract source text. */
export const multisig = `// Multi-signature wallet: owners submit, confirm and revoke transfers from the
// contract's balance; a transfer executes only with \`threshold\` confirmations.

export function init(owners, threshold) {
  require(Array.isArray(owners) && owners.length > 0 && owners.length <= 16, 'need 1 to 16 owners');
  const seen = new Set();
  for (const owner of owners) {
    require(typeof owner === 'string' && owner.length > 0 && !seen.has(owner), 'bad or duplicate owner');
    seen.add(owner);
  }
  require(Number.isInteger(threshold) && threshold >= 1 && threshold <= owners.length, 'bad threshold');
  storage.set('owners', owners);
  storage.set('threshold', threshold);
  storage.set('count', 0);
}

function onlyOwner() { require(storage.get('owners').includes(msg.sender), 'not an owner'); }
function load(id) {
  const tx = storage.get('tx:' + id);
  require(tx !== undefined, 'no such transaction');
  return tx;
}

export function deposit() { emit('Deposit', { from: msg.sender, amount: msg.value }); }
export function owners() { return storage.get('owners'); }
export function threshold() { return storage.get('threshold'); }
export function transaction(id) { return load(id); }

export function submit(to, amount) {
  onlyOwner();
  require(typeof to === 'string' && to.length > 0, 'bad recipient');
  require(Number.isSafeInteger(amount) && amount > 0, 'bad amount');
  const id = storage.get('count');
  storage.set('count', id + 1);
  storage.set('tx:' + id, { to, amount, executed: false, confirmations: [msg.sender] });
  emit('Submitted', { id, to, amount });
  return id;
}

export function confirm(id) {
  onlyOwner();
  const tx = load(id);
  require(!tx.executed, 'already executed');
  require(!tx.confirmations.includes(msg.sender), 'already confirmed');
  tx.confirmations.push(msg.sender);
  storage.set('tx:' + id, tx);
  emit('Confirmed', { id, owner: msg.sender });
}

export function revoke(id) {
  onlyOwner();
  const tx = load(id);
  require(!tx.executed, 'already executed');
  require(tx.confirmations.includes(msg.sender), 'not confirmed');
  tx.confirmations = tx.confirmations.filter((owner) => owner !== msg.sender);
  storage.set('tx:' + id, tx);
  emit('Revoked', { id, owner: msg.sender });
}

export function execute(id) {
  onlyOwner();
  const tx = load(id);
  require(!tx.executed, 'already executed');
  require(tx.confirmations.length >= storage.get('threshold'), 'not enough confirmations');
  tx.executed = true;
  storage.set('tx:' + id, tx);
  transfer(tx.to, tx.amount);
  emit('Executed', { id });
}
`;
