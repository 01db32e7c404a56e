import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream';

/** The fields of a yamux stream the threshold reads (private in its typings). */
interface WindowFields {
  state: StreamState;
  recvWindow: number;
  recvWindowCapacity: number;
}

let installed = false;

/**
 * Yamux 8 answers every data frame it receives with a window update frame, however little the
 * frame used of the window: each gossiped transaction or block then costs both ends a second
 * frame, with its own Noise encryption, socket write, decryption and handling. Go's and Rust's
 * yamux grant window only once half of it is used (hashicorp/yamux sendWindowUpdate), which keeps
 * a sender that is waiting for window always answered: it waits only after using the whole
 * window, and by then the receiver holds at least half of it unacknowledged. Opening and
 * acknowledging a stream (SYN, ACK: any state but Established) still send at once.
 */
export function grantWindowAtHalf(): void {
  if (installed) return;
  installed = true;
  const proto = YamuxStream.prototype as unknown as { sendWindowUpdate(this: WindowFields): void };
  const send = proto.sendWindowUpdate;
  proto.sendWindowUpdate = function (this: WindowFields): void {
    if (this.state === StreamState.Established && this.recvWindow - this.recvWindowCapacity < this.recvWindow / 2) return;
    send.call(this);
  };
}
