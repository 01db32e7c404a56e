import { yamux } from '@chainsafe/libp2p-yamux';

/**
 * Largest yamux data frame taken from a peer: the most a stream's receive window can ever grant
 * (yamux's own MAX_STREAM_WINDOW). Yamux 8's decoder buffers a data frame of whatever length its
 * header declares, up to 4 GiB, and checks the window only once the frame is complete: one
 * header declaring 0xFFFFFFFF followed by junk held 1.5 GB of one node's memory in 4.8 s.
 */
export const MAX_YAMUX_FRAME = 16 * 1024 * 1024;

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

type Muxers = ReturnType<typeof yamux>;

/**
 * yamux() whose decoders refuse an oversized data frame as soon as its header is in: the throw
 * reaches the muxer's data handler, which aborts the connection (libp2p's abstract stream muxer).
 */
export function guardedYamux(init?: Parameters<typeof yamux>[0]): Muxers {
  const make = yamux(init);
  return () => {
    const factory = make();
    const create = factory.createStreamMuxer.bind(factory);
    factory.createStreamMuxer = ((...args: Parameters<typeof create>) => {
      const muxer = create(...args);
      guard((muxer as unknown as { decoder: Decoder }).decoder);
      return muxer;
    }) as typeof factory.createStreamMuxer;
    return factory;
  };
}

function guard(decoder: Decoder): void {
  const readFrame = decoder.readFrame.bind(decoder);
  decoder.readFrame = () => {
    const b = decoder.buffer;
    if (b.byteLength >= HEADER_LENGTH && b.get(1) === DATA_FRAME) {
      const length = b.get(8) * 2 ** 24 + (b.get(9) << 16) + (b.get(10) << 8) + b.get(11);
      if (length > MAX_YAMUX_FRAME) throw new Error(`yamux data frame of ${length} bytes exceeds ${MAX_YAMUX_FRAME}`);
    }
    return readFrame();
  };
}
