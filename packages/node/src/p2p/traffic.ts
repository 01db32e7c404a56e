export interface ProtocolTraffic {
  protocol: string;
  bytesIn: number;
  bytesOut: number;
}

/**
 * Bytes in and out per protocol (our request/response protocol ids and gossip
 * topics), for operators. Labels come only from protocols and topics this node
 * registered itself, never from a peer, so the map stays as small as our own
 * protocol list.
 */
export class TrafficCounter {
  private readonly byProtocol = new Map<string, ProtocolTraffic>();

  add(protocol: string, direction: 'in' | 'out', bytes: number): void {
    let t = this.byProtocol.get(protocol);
    if (!t) {
      t = { protocol, bytesIn: 0, bytesOut: 0 };
      this.byProtocol.set(protocol, t);
    }
    if (direction === 'in') t.bytesIn += bytes;
    else t.bytesOut += bytes;
  }

  snapshot(): ProtocolTraffic[] {
    return [...this.byProtocol.values()].map((t) => ({ ...t }));
  }
}
