/** An English auction: bids carry msg.value, outbid bidders withdraw, the beneficiary takes the winning bid after the end height. Contract source text. */
export const auction = `// English auction: bids carry msg.value; outbid bidders withdraw their funds;
// after the end height the beneficiary withdraws the winning bid once.

export function init(beneficiary, endHeight) {
  require(typeof beneficiary === 'string' && beneficiary.length > 0, 'bad beneficiary');
  require(Number.isSafeInteger(endHeight) && endHeight > block.height, 'end must be in the future');
  storage.set('beneficiary', beneficiary);
  storage.set('end', endHeight);
  storage.set('highest', 0);
  storage.set('claimed', false);
}

function pendingKey(bidder) { return 'pending:' + bidder; }

export function bid() {
  require(block.height < storage.get('end'), 'auction has ended');
  const amount = Number(msg.value);
  require(Number.isSafeInteger(amount), 'bid too large');
  const highest = storage.get('highest');
  require(amount > highest, 'bid not higher than the current highest');
  const previous = storage.get('highestBidder');
  if (previous !== undefined) {
    storage.set(pendingKey(previous), pendingReturn(previous) + highest);
  }
  storage.set('highest', amount);
  storage.set('highestBidder', msg.sender);
  emit('HighestBidIncreased', { bidder: msg.sender, amount });
}

export function pendingReturn(bidder) { return storage.get(pendingKey(bidder)) ?? 0; }
export function highestBid() { return storage.get('highest'); }
export function highestBidder() { return storage.get('highestBidder') ?? null; }

export function withdraw() {
  const amount = pendingReturn(msg.sender);
  require(amount > 0, 'nothing to withdraw');
  storage.delete(pendingKey(msg.sender));
  transfer(msg.sender, amount);
  return amount;
}

export function claim() {
  require(block.height >= storage.get('end'), 'auction still running');
  require(msg.sender === storage.get('beneficiary'), 'only the beneficiary can claim');
  require(!storage.get('claimed'), 'already claimed');
  storage.set('claimed', true);
  const amount = storage.get('highest');
  if (amount > 0) transfer(msg.sender, amount);
  emit('AuctionEnded', { winner: highestBidder(), amount });
  return amount;
}
`;
