import type { TypedEmitter } from '../util/typed-emitter.js';
import type { Ban } from './ban-list.js';
import type { PeerSummary } from './peer-state.js';
import type { SyncProgress, SyncResult } from './sync.js';

export interface NetworkEvents extends Record<string, unknown[]> {
  'peer:connected': [peer: PeerSummary];
  'peer:disconnected': [info: { id: string; reason: string }];
  'peer:banned': [ban: Ban];
  'sync:progress': [progress: SyncProgress];
  'sync:done': [result: SyncResult];
}

export type NetworkEmitter = TypedEmitter<NetworkEvents>;
