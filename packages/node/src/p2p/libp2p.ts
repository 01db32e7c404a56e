/**
 * The only module that imports js-libp2p. Its majors break APIs yearly, so
 * the rest of the node talks to the small `Host` interface below and an
 * upgrade touches this file alone.
 */
import './shim.js';
import { createLibp2p, type Libp2p } from 'libp2p';
import { tcp, type TCPSocketOptions } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { identify } from '@libp2p/identify';
import { gossipsub, TopicValidatorResult, type GossipSub } from '@libp2p/gossipsub';
import type { RPC } from '@libp2p/gossipsub/message';
import { guardedYamux } from './yamux-guard.js';
import { libp2pLogger } from './libp2p-logger.js';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Connection, MultiaddrConnection, PeerId, Stream } from '@libp2p/interface';
import { sha256 } from '@hackcoin/core';
import { FrameAssembler, FrameError, encodeFrame } from './frames.js';
import { LIMITS } from './protocol.js';
import { TrafficCounter, type ProtocolTraffic } from './traffic.js';

export type Validation = 'accept' | 'ignore' | 'reject';
export type Direction = 'inbound' | 'outbound';

export interface ConnInfo {
  /** libp2p's id of this one connection (a peer may have several). */
  id: string;
  peerId: string;
  address: string;
  direction: Direction;
  openedAt: number;
  /** Round-trip time measured by libp2p's connection monitor, if any yet. */
  rttMs?: number;
}

/** An inbound TCP connection as the inbound gate sees it, from its accept until it closes. */
export interface InboundSocket {
  /** The remote IP as the listener reports it. */
  ip: string;
  /** The remote multiaddr (IP and port): ConnInfo.address of the same connection, less its /p2p/ part. */
  address: string;
  readonly closed: boolean;
  /** Closes it, whatever stage its handshakes are at: a gate that can only refuse newcomers is held shut by whoever came first. */
  drop(): void;
}

export interface HostOptions {
  /** Protobuf-encoded private key; a fresh Ed25519 key when absent. */
  privateKey?: Uint8Array;
  listen: string[];
  maxConnections: number;
  /** Largest gossip message (a whole block) accepted. */
  maxGossipBytes: number;
  isBanned: (peerId: string) => boolean;
  /**
   * Whether a peer has completed our status handshake. Until it has, gossipsub takes nothing from it:
   * its subscriptions and GRAFTs are held and given to gossipsub at Host.peerReady. Absent: every peer
   * counts as handshaked (test hosts).
   */
  handshaked?: (peerId: string) => boolean;
  /**
   * Called for every inbound TCP connection before any handshake, with the
   * inbound connections open now by IP (handshakes included). False refuses it
   * at once (per-IP and per-netgroup limits, address bans).
   */
  admitInbound?: (socket: InboundSocket, openByIp: ReadonlyMap<string, number>) => boolean;
  /** Source address for outgoing dials, so a node bound to 127.0.0.5 is seen as 127.0.0.5. */
  localAddress?: string;
  agent: string;
  /** The gossip topics this node uses; gossip on any other is refused. Absent: any (test hosts). */
  topics?: string[];
  /** Tunes gossipsub heartbeats; tests and benches want fast meshes. */
  heartbeatMs?: number;
  /** How long a write waits for the peer to read (WRITE_DRAIN_MS); tests shorten it. */
  writeDrainMs?: number;
}

/**
 * Longest a write waits for the peer to take our bytes off the wire: the
 * longest any asker waits for an answer (a blocks response). Past that the
 * answer is worthless to an honest asker, and a peer that asks and never
 * reads would otherwise pin the handler and its buffered answer (megabytes)
 * for as long as the connection lives.
 */
const WRITE_DRAIN_MS = LIMITS.blocksMs;

/** One request/response exchange on a fresh stream. */
export interface Exchange {
  peerId: string;
  /** Reads the single frame; FrameError on limit, timeout or garbage, or 'no-room' when `admit` refuses its length prefix. */
  read(maxBytes: number, timeoutMs: number, admit?: (bytes: number) => boolean): Promise<Uint8Array>;
  write(payload: Uint8Array): Promise<void>;
  /** Writes raw bytes, unframed (the hostile-peer tests need this). */
  writeRaw(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason: string): void;
}

export type StreamHandler = (ex: Exchange) => Promise<void>;

export interface Host {
  readonly peerId: string;
  addrs(): string[];
  dial(address: string, timeoutMs?: number): Promise<string>;
  hangUp(peerId: string): Promise<void>;
  /** Drops one connection of a peer, leaving its others. */
  closeConnection(peerId: string, connectionId: string): void;
  connections(): ConnInfo[];
  isConnected(peerId: string): boolean;
  handle(protocol: string, handler: StreamHandler, maxInboundStreams?: number): Promise<void>;
  open(peerId: string, protocol: string, timeoutMs: number): Promise<Exchange>;
  subscribe(topic: string, validate: (from: string, data: Uint8Array) => Promise<Validation>): void;
  publish(topic: string, data: Uint8Array): Promise<number>;
  /**
   * Subscribers of a topic that gossip can reach: those with a gossip stream
   * open from us. Gossipsub drops, without a word, a message for a subscriber
   * it has no such stream to yet (just connected, or one that refuses it).
   */
  topicPeers(topic: string): string[];
  /**
   * A peer has just completed our status handshake (HostOptions.handshaked turned true for it): gossipsub
   * takes the subscriptions and GRAFTs it sent before, held until now, and grafts it into our mesh or
   * PRUNEs it as it would have then.
   */
  peerReady(peerId: string): void;
  /** Gossipsub's view: mesh members of a topic and each peer's score (diagnostics). */
  meshPeers(topic: string): string[];
  /** Peers whose subscriptions or GRAFTs are held for our handshake (diagnostics). */
  heldSubscriptions(): number;
  gossipScore(peerId: string): number;
  onConnect(fn: (info: ConnInfo) => void): void;
  onDisconnect(fn: (peerId: string) => void): void;
  /** Bytes in and out per protocol and gossip topic since start. */
  traffic(): ProtocolTraffic[];
  stop(): Promise<void>;
}

export async function newPrivateKey(): Promise<Uint8Array> {
  return privateKeyToProtobuf(await generateKeyPair('Ed25519'));
}

export function isMultiaddr(s: string): boolean {
  try {
    multiaddr(s);
    return s.startsWith('/');
  } catch {
    return false;
  }
}

/** Whether a string is a well-formed libp2p peer id. */
export function isPeerId(s: string): boolean {
  if (s.length < 10 || s.length > 128) return false;
  try {
    peerIdFromString(s);
    return true;
  } catch {
    return false;
  }
}

/** The peer id carried in a multiaddr's /p2p component, if any. */
export function multiaddrPeer(s: string): string | undefined {
  try {
    return multiaddr(s).getComponents().find((c) => c.name === 'p2p')?.value;
  } catch {
    return undefined;
  }
}

function toChunk(v: Uint8Array | { subarray(): Uint8Array }): Uint8Array {
  return v instanceof Uint8Array ? v : v.subarray();
}

function wrap(stream: Stream, peerId: string, count: (direction: 'in' | 'out', bytes: number) => void, drainMs: number): Exchange {
  const iterator = stream[Symbol.asyncIterator]();
  /** Resolves at the next sign the peer read something (or the stream ended); rejects after `drainMs` of neither. */
  const progress = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const stopWaiting = (): void => {
        clearTimeout(timer);
        for (const event of ['drain', 'idle', 'close'] as const) stream.removeEventListener(event, settle);
      };
      const settle = (): void => {
        stopWaiting();
        resolve();
      };
      const timer = setTimeout(() => {
        stopWaiting();
        reject(new FrameError('timeout', `peer read nothing of our answer for ${drainMs} ms`));
      }, drainMs);
      for (const event of ['drain', 'idle', 'close'] as const) stream.addEventListener(event, settle);
    });
  /**
   * Done once the whole frame has left the stream's buffer, not at the first window update: a
   * caller that serves one answer at a time would otherwise start the next with megabytes of
   * this one still buffered, and a slow reader's remainder was left to close()'s short timeout.
   * The timeout is for no progress at all, so a slow honest reader is never cut off.
   */
  const send = async (bytes: Uint8Array): Promise<void> => {
    count('out', bytes.length);
    stream.send(bytes);
    try {
      while (stream.writeBufferLength > 0 && stream.status === 'open') await progress();
    } catch (e) {
      const err = e instanceof FrameError ? e : new FrameError('closed', (e as Error).message);
      // Aborting frees the buffered answer now rather than when the connection ends.
      stream.abort(err);
      throw err;
    }
    if (stream.writeBufferLength > 0) throw new FrameError('closed', `stream ${stream.status} before our answer was sent`);
  };
  /**
   * Every exchange carries one frame each way. Once ours is in, the iterator's listener is removed
   * and the read side closed, so whatever else the peer sends is dropped on arrival: yamux grants
   * window as data arrives, not as it is read, and the iterator's queue had no bound (8 streams
   * of junk after a status frame took one node from 109 MB to 3.3 GB).
   */
  const stopReading = async (): Promise<void> => {
    await iterator.return?.(undefined);
    await stream.closeRead().catch(() => undefined);
  };
  return {
    peerId,
    async read(maxBytes, timeoutMs, admit) {
      const asm = new FrameAssembler(maxBytes, admit);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new FrameError('timeout', `no complete frame within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        for (;;) {
          const next = await Promise.race([iterator.next(), timeout]);
          if (next.done) {
            throw new FrameError(asm.buffered === 0 ? 'closed' : 'malformed', 'stream ended before a complete frame');
          }
          const chunk = toChunk(next.value);
          count('in', chunk.length);
          const frame = asm.push(chunk);
          if (frame) {
            await stopReading();
            return frame;
          }
        }
      } catch (e) {
        if (e instanceof FrameError) {
          if (e.kind !== 'closed') stream.abort(e);
          throw e;
        }
        throw new FrameError('closed', (e as Error).message);
      } finally {
        clearTimeout(timer);
      }
    },
    write: (payload) => send(encodeFrame(payload)),
    writeRaw: (bytes) => send(bytes),
    async close() {
      try {
        await stream.close({ signal: AbortSignal.timeout(5_000) });
      } catch {
        stream.abort(new Error('close timed out'));
      }
    },
    abort: (reason) => stream.abort(new Error(reason)),
  };
}

/** @libp2p/tcp passes dialOpts to net.connect, which takes localAddress; its type does not list it. */
function bindTo(localAddress: string): TCPSocketOptions {
  return { localAddress } as unknown as TCPSocketOptions;
}

function connInfo(c: Connection): ConnInfo {
  return {
    id: c.id,
    peerId: c.remotePeer.toString(),
    address: c.remoteAddr.toString(),
    direction: c.direction,
    openedAt: c.timeline.open,
    rttMs: c.rtt,
  };
}

/** Gossipsub's GossipsubMaxIHaveLength and GossipsubMaxIHaveMessages (constants.js, not exported by the package). */
const GOSSIPSUB_MAX_IHAVE_LENGTH = 5_000;
const GOSSIPSUB_MAX_IHAVE_MESSAGES = 10;
/**
 * IHAVE ids we ask for from one RPC: per entry (one topic, as an honest peer sends) and in all. The total is what
 * our decoder takes in one RPC (maxMessages 384), the answer to our IWANT being one RPC of as many messages; and
 * so also the IWANT ids of one RPC we answer.
 */
const IHAVE_IDS_PER_ENTRY = 128;
const IHAVE_IDS_PER_RPC = 384;
/** One topic's entry of an IHAVE. */
interface IhaveEntry {
  topicID?: string;
  messageIDs: Uint8Array[];
}
/** Topics of one peer's subscription state, and as many of its GRAFTs, held until its handshake when no topic list bounds them (test hosts). */
const HELD_TOPICS_PER_PEER = 64;

/**
 * The longest backoff a PRUNE sent before our handshake sets, in seconds (gossipsub's own default is 60): it stays
 * in gossipsub's backoff map until it expires, and a stranger's backoff of years under each fresh key never would.
 */
const HELD_PRUNE_BACKOFF_MAX_S = 300;

/** How long our own address list is reused before asking libp2p again. */
const ADDRS_TTL_MS = 5_000;

export async function createHost(opts: HostOptions): Promise<Host> {
  const privateKey = opts.privateKey ? privateKeyFromProtobuf(opts.privateKey) : await generateKeyPair('Ed25519');
  const banned = (p: PeerId): boolean => opts.isBanned(p.toString());
  const traffic = new TrafficCounter();
  const drainMs = opts.writeDrainMs ?? WRITE_DRAIN_MS;
  const openInbound = new Map<string, number>();
  const admit = (maConn: MultiaddrConnection): boolean => {
    const ip = maConn.remoteAddr.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value ?? maConn.remoteAddr.toString();
    const socket = { ip, address: maConn.remoteAddr.toString(), closed: false, drop: () => maConn.abort(new Error('dropped by the inbound gate')) };
    if (opts.admitInbound && !opts.admitInbound(socket, openInbound)) return false;
    openInbound.set(ip, (openInbound.get(ip) ?? 0) + 1);
    maConn.addEventListener(
      'close',
      () => {
        socket.closed = true;
        const n = (openInbound.get(ip) ?? 1) - 1;
        if (n <= 0) openInbound.delete(ip);
        else openInbound.set(ip, n);
      },
      { once: true },
    );
    return true;
  };
  const logger = libp2pLogger(process.env);
  const node: Libp2p<{ identify: unknown; pubsub: GossipSub }> = await createLibp2p({
    privateKey,
    ...(logger ? { logger } : {}),
    addresses: { listen: opts.listen },
    transports: [tcp(opts.localAddress ? { dialOpts: bindTo(opts.localAddress) } : {})],
    connectionEncrypters: [noise()],
    streamMuxers: [guardedYamux()],
    nodeInfo: { userAgent: opts.agent },
    connectionManager: {
      maxConnections: opts.maxConnections,
      dialTimeout: 10_000,
      // The default (5 per second per IP) throttles devnets and tests, where every peer is 127.0.0.1.
      inboundConnectionThreshold: 100,
      // Connections still in their Noise and muxer handshake count against this before our gate sees
      // them: 32 silent sockets from 8 IPs, reopened as dropped, kept every honest peer out at the
      // default 10 s upgrade timeout. A pending one costs a descriptor and a few KB.
      maxIncomingPendingConnections: 128,
      inboundUpgradeTimeout: 3_000,
      // Our peer manager does the reconnecting, with its own backoff and address book.
      reconnectRetries: 0,
    },
    connectionGater: {
      denyInboundConnection: (maConn) => !admit(maConn),
      denyDialPeer: banned,
      denyInboundEncryptedConnection: banned,
      denyOutboundConnection: banned,
      // Loopback and private addresses are what devnets and tests use.
      denyDialMultiaddr: () => false,
    },
    services: {
      // An honest identify (keys, protocols, listen and observed addresses, our agent) is under 1 KB;
      // the default 8 KB let each fresh peer id leave kilobytes of agent string in the peer store.
      identify: identify({ maxMessageSize: 4096 }),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        // Content-addressed ids: the same block published by two nodes is one message.
        msgIdFn: (msg) => sha256(msg.data),
        // Every distinct message id is kept this long (~230 bytes each), whatever our validator makes of it.
        // Gossipsub's 2 minutes let a peer past our handshake hold two minutes of its upload in junk ids; a
        // copy can only come back through IHAVE/IWANT within the message cache's few heartbeats, and one
        // arriving later still is judged by our own intakes, which remember what they took.
        seenTTL: 30_000,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        floodPublish: true,
        emitSelf: false,
        maxInboundDataLength: opts.maxGossipBytes + 64 * 1024,
        // Our topics only: messages on any other had no validator, so they counted as valid, filled
        // the seen cache and message cache and were forwarded (a peer sending 5,000-message RPCs on
        // topic "x" took the heap from 31 MB to 2.3 GB). No floodsub relay for topics nobody runs.
        ...(opts.topics ? { allowedTopics: opts.topics } : {}),
        fallbackToFloodsub: false,
        // An RPC over any of these is dropped whole, undecoded. Gossipsub records all of an RPC's messages in
        // its seen cache before our validator judges the first, so a peer's first junk message got it banned
        // with 4,999 more of its 5,000 stored already. Honest gossip carries one message per RPC (a publish or
        // a forward); only an answer to our IWANT carries more, as many as it asked for, which handleReceivedRpc
        // below keeps to IHAVE_IDS_PER_RPC. An honest IHAVE entry lists every id of its topic's last three
        // heartbeats, up to gossipsub's GossipsubMaxIHaveLength (5,000 ids, 160 kB): a bound of 128 here
        // dropped, past ~60 messages a second on one topic network-wide, the whole RPC, with the other
        // topics' IHAVE and the GRAFT and PRUNE riding in it (200 transaction batches in a burst: 0 of the
        // IHAVE RPCs that followed delivered). So the decoder takes what an honest peer sends and we act on
        // a bounded part of it. We have three topics, hence the few subscriptions and control entries; 512
        // IDONTWANT ids and 16 peer infos are gossipsub's own. IWANT likewise: ours asks for at most
        // IHAVE_IDS_PER_RPC, but stock gossipsub asks in one entry for every id an IHAVE listed that it lacks
        // (up to 5,000), and a bound of 384 dropped that RPC whole, the GRAFT, PRUNE and IHAVE in it too;
        // handleReceivedRpc below answers the first IHAVE_IDS_PER_RPC of them.
        decodeRpcLimits: {
          maxSubscriptions: 64,
          maxMessages: 384,
          maxIhaveMessageIDs: GOSSIPSUB_MAX_IHAVE_LENGTH,
          maxIwantMessageIDs: GOSSIPSUB_MAX_IHAVE_LENGTH,
          maxIdontwantMessageIDs: 512,
          maxControlMessages: 256,
          maxPeerInfos: 16,
        },
        // What we owe a peer that stops taking our gossip (a block and a few batches fit): past it
        // that peer's gossip stream is dropped, where everything owed piled up without limit and
        // IWANT asked for each message three times.
        maxOutboundBufferSize: Math.max(16 * 1024 * 1024, 4 * (opts.maxGossipBytes + 64 * 1024)),
        heartbeatInterval: opts.heartbeatMs ?? 700,
        // A narrower mesh than the default 6 (Dlo 4, Dhi 12): each block and transaction reaches a node
        // from a few peers instead of up to ten, and every copy costs each end a decrypt, a yamux window
        // update and an encrypt. On 20 loopback nodes block-to-all fell by half or more (docs/protocol.md);
        // IHAVE at each heartbeat and the status refresh still reach a node whose mesh is thin.
        D: 4,
        Dlo: 3,
        Dhi: 6,
        scoreParams: {
          // Off: the default (-5 × (peers on one IP - 10)²) scores every peer on a shared IP
          // negative once a node has more than 10 of them. On a devnet or test cluster all peers
          // are 127.0.0.1, so a well-connected node pruned its whole mesh, and at 14+ peers it
          // fell below the publish and graylist thresholds: it neither published nor accepted
          // gossip (20-node propagation took seconds, via the status refresh). Misbehaviour is
          // scored by our own ban score, by peer id; IP-based limits belong in front of a node.
          IPColocationFactorWeight: 0,
          // Gossipsub keeps a departed peer's score record (600-800 bytes) for an hour by default, so that
          // a negative score is not shed by reconnecting. Ours scores no topics, so every record was 0 and
          // kept: a stranger opening one gossip stream per fresh key left 3,000 records behind per 3,000
          // connections. Dropped at the next decay (1 s) instead; what a peer did is in our own ban score.
          retainScore: 0,
        },
      }),
    },
  });
  const pubsub = node.services.pubsub;
  // The implementation has these; the exported interface does not list them.
  const internals = pubsub as unknown as {
    getMeshPeers(topic: string): string[];
    getScore(peerId: string): number;
    streamsOutbound: ReadonlyMap<string, unknown>;
    peers: ReadonlyMap<string, PeerId>;
    handleReceivedRpc(from: PeerId, rpc: RPC): Promise<void>;
    removePeer(peerId: PeerId): void;
    mesh: ReadonlyMap<string, unknown>;
    seenCache: { has(id: string): boolean };
    msgIdToStrFn(id: Uint8Array): string;
    /** IHAVE RPCs taken from each peer this heartbeat (gossipsub ignores those past GossipsubMaxIHaveMessages). */
    peerhave: ReadonlyMap<string, number>;
    /** The IHAVE entries queued for each peer this heartbeat, sent at its end. */
    gossip: ReadonlyMap<string, IhaveEntry[]>;
    /** Queues one IHAVE entry for a peer (its ids already shuffled). */
    pushGossip(id: string, ihave: IhaveEntry): void;
  };
  // Our IHAVE to each peer lists at most IHAVE_IDS_PER_RPC ids a heartbeat, the most we answer of an IWANT (trimIwant
  // below). Stock gossipsub asks in one IWANT for every id of an IHAVE it lacks and tracks a promise on one of them at
  // random: listing up to its 5,000, we broke that promise on ~(N - 384) / N of such asks, and the peer scored us
  // down and out of its mesh. Gossipsub shuffles the ids it offers, so each heartbeat offers another part of a flood.
  const pushGossip = internals.pushGossip.bind(pubsub);
  internals.pushGossip = (id, ihave) => {
    let left = IHAVE_IDS_PER_RPC;
    for (const entry of internals.gossip.get(id) ?? []) left -= entry.messageIDs.length;
    if (left > 0) pushGossip(id, ihave.messageIDs.length > left ? { ...ihave, messageIDs: ihave.messageIDs.slice(0, left) } : ihave);
  };
  // Gossipsub records every distinct message id it takes in its seen cache for 2 minutes, before any validator
  // runs: fresh keys sending 5,000 8-byte messages per RPC over a bare gossip stream, reconnecting when banned,
  // took a node from 24 MB to 700 MB in 40 s. As Core processes nothing from a peer before its version
  // handshake, gossipsub is given nothing of an RPC until the peer has completed ours, and nothing at all once
  // the peer is banned (between the ban and the hang-up). Gossipsub calls this for each RPC it reads, where
  // acceptFrom would refuse one: before it looks at anything inside. (A graylist through
  // scoreParams.appSpecificScore would lag: gossipsub caches a score for a heartbeat and takes 128 RPCs a second
  // unchecked from a peer that scored 0, so a peer would stay graylisted after its handshake and keep gossiping
  // after its ban.)
  // Subscriptions are held, not dropped: a peer sends them once, as its gossip stream opens, which races our
  // handshake, and one lost would leave it out of our gossip for the connection's life. Nor are they given to
  // gossipsub early: it grafts a newly subscribed peer into our mesh at once (and its heartbeat picks mesh peers
  // among subscribers), so strangers that connect, subscribe and never complete the handshake, reconnecting
  // under fresh keys every handshake timeout, held our few forwarding slots (D 4, Dhi 6) and thinned how we
  // relay everyone else's gossip. So each peer's last state per topic (ours only) waits here, and at peerReady
  // goes to gossipsub as the subscription part of an RPC, which grafts the peer there and then if our mesh
  // wants it, as a subscription taken after the handshake would. Its GRAFTs wait too, and ride in the same RPC,
  // handled after the subscriptions: a peer sends one once, as our subscription reaches it, which races our
  // handshake as well, and one dropped left the peer counting us in its mesh with no PRUNE back, forwarding to
  // us while we kept it out of ours, until heartbeats rebalanced. Held only while gossipsub knows the peer, and
  // dropped when it forgets it (a disconnect) or the peer is banned, so this holds a few topics per connected peer.
  interface Held {
    subscriptions: Map<string, boolean>;
    grafts: Set<string>;
  }
  const held = new Map<string, Held>();
  const allowedTopics = opts.topics ? new Set(opts.topics) : undefined;
  const ours = (topic: string | undefined): topic is string => topic !== undefined && (!allowedTopics || allowedTopics.has(topic));
  const handleRpc = internals.handleReceivedRpc.bind(pubsub);
  const hold = (from: PeerId, id: string, rpc: RPC): void => {
    const grafts = rpc.control?.graft ?? [];
    const prunes = rpc.control?.prune ?? [];
    if (rpc.subscriptions.length + grafts.length + prunes.length === 0 || !internals.peers.has(id) || node.getConnections(from).length === 0) return;
    const state = held.get(id) ?? { subscriptions: new Map<string, boolean>(), grafts: new Set<string>() };
    for (const { topic, subscribe } of rpc.subscriptions) {
      if (!ours(topic) || (!state.subscriptions.has(topic) && state.subscriptions.size >= HELD_TOPICS_PER_PEER)) continue;
      // The last word per topic: an unsubscribe cancels a subscribe held before it.
      state.subscriptions.set(topic, subscribe === true);
    }
    for (const { topicID } of grafts) if (ours(topicID) && state.grafts.size < HELD_TOPICS_PER_PEER) state.grafts.add(topicID);
    // A PRUNE cancels a GRAFT held before it, or in the same RPC (gossipsub takes GRAFTs first): the peer has left the
    // link, and a replay would put it in our mesh while we are out of its own.
    for (const { topicID } of prunes) if (topicID !== undefined) state.grafts.delete(topicID);
    if (state.subscriptions.size > 0 || state.grafts.size > 0) held.set(id, state);
    else held.delete(id);
    // Its backoff is taken now, as the PRUNE's time is when it starts (no PX from a stranger): dropped, the held
    // subscription grafted the peer at peerReady inside its backoff, and a stock peer scored us down and PRUNEd us.
    // Capped: gossipsub keeps a backoff until it expires, whatever becomes of the peer, and fresh keys are free.
    const prune = prunes.filter((p) => ours(p.topicID)).map(({ topicID, backoff }) => ({ topicID, backoff: Math.min(backoff ?? 0, HELD_PRUNE_BACKOFF_MAX_S), peers: [] }));
    if (prune.length > 0) {
      handleRpc(from, { subscriptions: [], messages: [], control: { ihave: [], iwant: [], graft: [], prune, idontwant: [] } }).catch(() => undefined);
    }
  };
  /** An RPC with what was held ahead of its own, in the order the peer sent them. */
  const withHeld = (state: Held, rpc: RPC): RPC => {
    const subscriptions = [...[...state.subscriptions].map(([topic, subscribe]) => ({ topic, subscribe })), ...rpc.subscriptions];
    if (state.grafts.size === 0) return { ...rpc, subscriptions };
    const control = rpc.control ?? { ihave: [], iwant: [], graft: [], prune: [], idontwant: [] };
    return { ...rpc, subscriptions, control: { ...control, graft: [...[...state.grafts].map((topicID) => ({ topicID })), ...control.graft] } };
  };
  internals.handleReceivedRpc = async (from, rpc) => {
    const id = from.toString();
    if (opts.isBanned(id)) {
      held.delete(id);
      return;
    }
    if (opts.handshaked?.(id) === false) {
      hold(from, id, rpc);
      return;
    }
    // Handshaked, and peerReady not yet called for it (it is called as the handshake completes): held first.
    const before = held.get(id);
    if (before) held.delete(id);
    await handleRpc(from, trimIwant(trimIhave(id, before ? withHeld(before, rpc) : rpc)));
  };
  const removePeer = internals.removePeer.bind(pubsub);
  internals.removePeer = (peerId) => {
    held.delete(peerId.toString());
    removePeer(peerId);
  };
  /**
   * The IHAVE ids of an RPC we act on: at most IHAVE_IDS_PER_ENTRY unseen ones per entry and IHAVE_IDS_PER_RPC in all,
   * so our IWANT, and the peer's answer, stays within maxMessages; the rest of the RPC is left as it came. Ids we have
   * seen are passed over first (gossipsub would not ask for them), so a busy topic's IHAVE, which lists thousands we
   * mostly have, still brings what we lack: the entry's next ids come at the next heartbeat. At most
   * GOSSIPSUB_MAX_IHAVE_LENGTH ids are looked at per RPC, as gossipsub's own handleIHave does, and none once the
   * peer is past gossipsub's IHAVE count for this heartbeat. Entries stay (emptied), so that count still rises.
   */
  const trimIhave = (id: string, rpc: RPC): RPC => {
    const ihave = rpc.control?.ihave;
    if (!rpc.control || !ihave || ihave.length === 0) return rpc;
    const quiet = (internals.peerhave.get(id) ?? 0) >= GOSSIPSUB_MAX_IHAVE_MESSAGES;
    let examined = 0;
    let asked = 0;
    const trimmed = ihave.map(({ topicID, messageIDs }) => {
      const keep: Uint8Array[] = [];
      if (quiet || topicID === undefined || !internals.mesh.has(topicID)) return { topicID, messageIDs: keep };
      for (const msgId of messageIDs) {
        if (keep.length >= IHAVE_IDS_PER_ENTRY || asked >= IHAVE_IDS_PER_RPC || examined >= GOSSIPSUB_MAX_IHAVE_LENGTH) break;
        examined++;
        if (internals.seenCache.has(internals.msgIdToStrFn(msgId))) continue;
        keep.push(msgId);
        asked++;
      }
      return { topicID, messageIDs: keep };
    });
    return { ...rpc, control: { ...rpc.control, ihave: trimmed } };
  };
  /**
   * The IWANT ids of an RPC we act on: the first IHAVE_IDS_PER_RPC across its entries. Our answer is one RPC of as many
   * messages, which a HackCoin peer's decoder takes only up to maxMessages (384); a stock peer still lacking the rest
   * asks again at our next IHAVE. Cut before gossipsub looks, not after: its handleIWant counts each id it looks up
   * against GossipsubGossipRetransmission (3 asks per message and peer), so an id we did not answer must not count.
   * Entries stay (emptied or shortened), so that its count of IWANT RPCs per heartbeat still rises.
   */
  const trimIwant = (rpc: RPC): RPC => {
    const iwant = rpc.control?.iwant;
    if (!rpc.control || !iwant || iwant.length === 0) return rpc;
    let left = IHAVE_IDS_PER_RPC;
    const trimmed = iwant.map(({ messageIDs }) => {
      const keep = messageIDs.slice(0, left);
      left -= keep.length;
      return { messageIDs: keep };
    });
    return { ...rpc, control: { ...rpc.control, iwant: trimmed } };
  };
  const validators = new Map<string, (from: string, data: Uint8Array) => Promise<Validation>>();
  const RESULT: Record<Validation, TopicValidatorResult> = {
    accept: TopicValidatorResult.Accept,
    ignore: TopicValidatorResult.Ignore,
    reject: TopicValidatorResult.Reject,
  };

  // Every status we send carries our addresses, and libp2p rebuilds and re-filters the list on each call
  // (3 % of a 20-node network's CPU went there): cached until libp2p reports a change, and
  // briefly, since observed addresses are confirmed without one.
  let addrCache: { addrs: string[]; until: number } | undefined;
  node.addEventListener('self:peer:update', () => (addrCache = undefined));
  // libp2p keeps a record of every peer that ever finished identify, expiring it only when it is
  // read: a stranger reconnecting under fresh keys grew it without bound (identify needs no status
  // handshake, so the inbound gate never sees them). Our own address book decides whom to dial.
  node.addEventListener('peer:disconnect', (evt) => {
    const peer = evt.detail;
    held.delete(peer.toString());
    if (node.getConnections(peer).length === 0) node.peerStore.delete(peer).catch(() => undefined);
  });
  const host: Host = {
    peerId: node.peerId.toString(),
    addrs() {
      const now = Date.now();
      if (!addrCache || addrCache.until < now) addrCache = { addrs: node.getMultiaddrs().map((m: Multiaddr) => m.toString()), until: now + ADDRS_TTL_MS };
      return addrCache.addrs.slice();
    },
    async dial(address, timeoutMs = 10_000) {
      const target = address.startsWith('/') ? multiaddr(address) : peerIdFromString(address);
      const conn = await node.dial(target, { signal: AbortSignal.timeout(timeoutMs) });
      return conn.remotePeer.toString();
    },
    closeConnection(peerId, connectionId) {
      const conn = node.getConnections(peerIdFromString(peerId)).find((c) => c.id === connectionId);
      conn?.abort(new Error('a second connection from a connected peer'));
    },
    async hangUp(peerId) {
      await node.hangUp(peerIdFromString(peerId)).catch(() => undefined);
    },
    connections: () => node.getConnections().filter((c) => c.status === 'open').map(connInfo),
    isConnected: (peerId) => node.getConnections(peerIdFromString(peerId)).some((c) => c.status === 'open'),
    async handle(protocol, handler, maxInboundStreams = 32) {
      await node.handle(
        protocol,
        (stream, connection) => {
          handler(wrap(stream, connection.remotePeer.toString(), (d, n) => traffic.add(protocol, d, n), drainMs)).catch(() => stream.abort(new Error('handler failed')));
        },
        { maxInboundStreams, maxOutboundStreams: maxInboundStreams },
      );
    },
    async open(peerId, protocol, timeoutMs) {
      const stream = await node.dialProtocol(peerIdFromString(peerId), protocol, { signal: AbortSignal.timeout(timeoutMs) });
      return wrap(stream, peerId, (d, n) => traffic.add(protocol, d, n), drainMs);
    },
    subscribe(topic, validate) {
      validators.set(topic, validate);
      pubsub.topicValidators.set(topic, async (peer, msg) => {
        traffic.add(topic, 'in', msg.data.length);
        return RESULT[await validate(peer.toString(), msg.data)];
      });
      pubsub.subscribe(topic);
    },
    async publish(topic, data) {
      const r = await pubsub.publish(topic, data);
      traffic.add(topic, 'out', data.length * r.recipients.length);
      return r.recipients.length;
    },
    topicPeers: (topic) => pubsub.getSubscribers(topic).map((p) => p.toString()).filter((id) => internals.streamsOutbound.has(id)),
    peerReady(peerId) {
      const state = held.get(peerId);
      if (!state) return;
      held.delete(peerId);
      const peer = internals.peers.get(peerId);
      if (!peer || opts.isBanned(peerId)) return;
      // Gossipsub applies an RPC's subscriptions, then its GRAFTs (grafting, or queueing the PRUNE), before its
      // first await: done when this returns.
      handleRpc(peer, withHeld(state, { subscriptions: [], messages: [] })).catch(() => undefined);
    },
    meshPeers: (topic) => internals.getMeshPeers(topic),
    heldSubscriptions: () => held.size,
    gossipScore: (peerId) => internals.getScore(peerId),
    onConnect(fn) {
      node.addEventListener('connection:open', (evt) => fn(connInfo(evt.detail)));
    },
    traffic: () => traffic.snapshot(),
    onDisconnect(fn) {
      node.addEventListener('peer:disconnect', (evt) => fn(evt.detail.toString()));
    },
    async stop() {
      await node.stop();
    },
  };
  return host;
}
