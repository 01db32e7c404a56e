import { yamux } from '@chainsafe/libp2p-yamux';
import { grantWindowAtHalf } from './yamux-window.js';

/**
 * A yamux data frame may carry at most what its stream's receive window has left. Yamux 8's decoder
 * buffers a data frame of whatever length its header declares, up to 4 GiB, and checks the window
 * only once the frame is complete: one header declaring 0xFFFFFFFF followed by junk held 1.5 GB of
 * one node's memory in 4.8 s. A frame opening a stream we have not seen gets the initial window.
 */
const INITIAL_STREAM_WINDOW = 256 * 1024;

const DATA_FRAME = 0;
const HEADER_LENGTH = 12;

interface FrameBuffer {
  byteLength: number;
  get(i: number): number;
}

interface Decoder {
  buffer: FrameBuffer;
  readFrame(): unknown;
}

/** What the guard reads of yamux's muxer and streams. */
interface GuardedMuxer {
  decoder: Decoder;
  streams: { streamId?: number; recvWindowCapacity?: number }[];
}

type Muxers = ReturnType<typeof yamux>;

/**
 * yamux() whose decoders refuse an oversized data frame as soon as its header is in: the throw
 * reaches the muxer's data handler, which aborts the connection (libp2p's abstract stream muxer).
 */
export function guardedYamux(init?: Parameters<typeof yamux>[0]): Muxers {
  grantWindowAtHalf();
  const make = yamux(init);
  return () => {
    const factory = make();
    const create = factory.createStreamMuxer.bind(factory);
    factory.createStreamMuxer = ((...args: Parameters<typeof create>) => {
      const muxer = create(...args);
      guard(muxer as unknown as GuardedMuxer);
      return muxer;
    }) as typeof factory.createStreamMuxer;
    return factory;
  };
}

function guard(muxer: GuardedMuxer): void {
  const { decoder } = muxer;
  const readFrame = decoder.readFrame.bind(decoder);
  decoder.readFrame = () => {
    const b = decoder.buffer;
    if (b.byteLength >= HEADER_LENGTH && b.get(1) === DATA_FRAME) {
      const id = b.get(4) * 2 ** 24 + (b.get(5) << 16) + (b.get(6) << 8) + b.get(7);
      const length = b.get(8) * 2 ** 24 + (b.get(9) << 16) + (b.get(10) << 8) + b.get(11);
      const window = muxer.streams.find((s) => s.streamId === id)?.recvWindowCapacity ?? INITIAL_STREAM_WINDOW;
      if (length > window) throw new Error(`yamux data frame of ${length} bytes on stream ${id} exceeds its window of ${window}`);
    }
    return readFrame();
  };
}
