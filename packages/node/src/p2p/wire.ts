import { FrameError } from './frames.js';
import type { Host } from './libp2p.js';
import type { PeerSet } from './peer-set.js';
import type { Requester } from './sync-client.js';

/** Request/response over the host, with byte accounting and penalties for wire-level faults. */
export class Wire implements Requester {
  constructor(
    private readonly host: Pick<Host, 'open'>,
    private readonly peers: PeerSet,
  ) {}

  /** Penalises wire-level faults; timeouts and closed streams are not the peer's fault. */
  penalise(peerId: string, e: unknown): void {
    if (!(e instanceof FrameError)) return;
    if (e.kind === 'oversized') this.peers.misbehave(peerId, 'oversized', e.message);
    else if (e.kind === 'malformed') this.peers.misbehave(peerId, 'malformed', e.message);
  }

  async request(peerId: string, protocol: string, payload: Uint8Array, maxResponse: number, timeoutMs: number, admit?: (bytes: number) => boolean): Promise<Uint8Array> {
    const ex = await this.host.open(peerId, protocol, timeoutMs);
    const p = this.peers.get(peerId);
    try {
      await ex.write(payload);
      if (p) p.bytesOut += payload.length + 4;
      const resp = await ex.read(maxResponse, timeoutMs, admit);
      if (p) p.bytesIn += resp.length + 4;
      return resp;
    } catch (e) {
      this.penalise(peerId, e);
      throw e;
    } finally {
      void ex.close();
    }
  }
}
