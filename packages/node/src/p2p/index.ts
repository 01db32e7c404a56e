export { Network, type NetworkOptions, type NetworkControl, type NetworkOverview, type SyncNowResult } from './network.js';
export type { NetworkEvents } from './events.js';
export type { PeerSummary } from './peer-state.js';
export type { SyncProgress, SyncResult } from './sync.js';
export type { Ban } from './ban-list.js';
export { splitList } from './bootstrap.js';
export { publishNetworkEvents } from './publish-events.js';
