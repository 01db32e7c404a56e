/** Voting on named proposals until a deadline height, one vote per address; anyone reads the tally. Contract source text. */
export const voting = `// One vote per address until a deadline block height; anyone can read the tally.

export function init(proposals, deadlineHeight) {
  require(Array.isArray(proposals) && proposals.length >= 2 && proposals.length <= 32, 'need 2 to 32 proposals');
  for (const p of proposals) require(typeof p === 'string' && p.length > 0 && p.length <= 64, 'bad proposal name');
  require(Number.isSafeInteger(deadlineHeight) && deadlineHeight > block.height, 'deadline must be in the future');
  storage.set('proposals', proposals);
  storage.set('deadline', deadlineHeight);
  storage.set('votes', proposals.map(() => 0));
}

export function proposals() { return storage.get('proposals'); }
export function deadline() { return storage.get('deadline'); }
export function hasVoted(voter) { return storage.get('voted:' + voter) !== undefined; }

export function vote(index) {
  require(block.height < storage.get('deadline'), 'voting is closed');
  require(!hasVoted(msg.sender), 'already voted');
  const votes = storage.get('votes');
  require(Number.isInteger(index) && index >= 0 && index < votes.length, 'no such proposal');
  votes[index] += 1;
  storage.set('votes', votes);
  storage.set('voted:' + msg.sender, index);
  emit('Voted', { voter: msg.sender, proposal: index });
}

export function tally() {
  const names = storage.get('proposals');
  const votes = storage.get('votes');
  return names.map((name, i) => ({ name, votes: votes[i] }));
}

/** The proposal with most votes once voting has closed; ties go to none (null). */
export function winner() {
  require(block.height >= storage.get('deadline'), 'voting is still open');
  const results = tally();
  let best = null;
  let tie = false;
  for (let i = 0; i < results.length; i++) {
    if (best === null || results[i].votes > results[best].votes) { best = i; tie = false; }
    else if (results[i].votes === results[best].votes) tie = true;
  }
  if (tie || results[best].votes === 0) return null;
  return { index: best, name: results[best].name, votes: results[best].votes };
}
`;
