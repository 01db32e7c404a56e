import { z } from './zod.js';
import { count, hashJson, height, isoTime } from './fields.js';
import { blockSummarySchema, txSchema } from './chain-responses.js';
import { minerStatusSchema, peerSummarySchema, syncStateSchema } from './node-responses.js';

/**
 * Messages of the WebSocket at /ws. Pushes carry the topic they were published on; replies to a
 * client's own messages (hello, subscriptions, error) do not.
 */

const blockPush = z.object({ topic: z.literal('blocks'), type: z.literal('block'), block: blockSummarySchema });
const tipRef = z.object({ hash: hashJson, height });
const reorgPush = z.object({ topic: z.literal('blocks'), type: z.literal('reorg'), from: tipRef, to: tipRef, forkHeight: height, disconnected: count });
const txPush = z.object({ topic: z.literal('mempool'), type: z.literal('tx'), tx: txSchema, feeRate: z.number().nonnegative() });
const txRemovedPush = z.object({
  topic: z.literal('mempool'),
  type: z.literal('tx-removed'),
  id: hashJson,
  reason: z.enum(['block', 'replaced', 'evicted', 'invalid']),
});
const miningPush = z.object({ topic: z.literal('mining'), type: z.literal('mining'), status: minerStatusSchema });
const addressTopic = z.string().regex(/^address:0x[0-9a-fA-F]{40}$/);
const addressPush = z.object({
  topic: addressTopic,
  type: z.literal('address'),
  event: z.enum(['pending', 'confirmed', 'unconfirmed']),
  tx: txSchema,
  blockHeight: height.optional(),
  blockHash: hashJson.optional(),
});
const network = z.literal('network');
const networkPush = z.discriminatedUnion('type', [
  z.object({ topic: network, type: z.literal('peer:connected'), peer: peerSummarySchema }),
  z.object({ topic: network, type: z.literal('peer:disconnected'), id: z.string(), reason: z.string() }),
  z.object({ topic: network, type: z.literal('peer:banned'), peerId: z.string(), reason: z.string(), until: isoTime }),
  z.object({ topic: network, type: z.literal('sync:progress'), progress: syncStateSchema }),
  z.object({
    topic: network,
    type: z.literal('sync:done'),
    result: z.object({ peer: z.string().nullable(), startHeight: height, endHeight: height, blocks: count, error: z.string().optional() }),
  }),
]);

/** A message the node pushes to subscribers of a topic. */
export const realtimePushSchema = z.union([blockPush, reorgPush, txPush, txRemovedPush, miningPush, addressPush, networkPush]);

/** The node's answers to a client's own messages. */
export const realtimeReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), topics: z.array(z.string()) }),
  /**
   * `topics` lists only what this message changed (added by subscribe, removed by unsubscribe);
   * `count` is how many topics the connection holds now. Both optional for older nodes, which sent
   * the whole list in `topics`.
   */
  z.object({
    type: z.literal('subscriptions'),
    op: z.enum(['subscribe', 'unsubscribe']).optional(),
    topics: z.array(z.string()),
    count: count.optional(),
    rejected: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

/** Every message the node sends on /ws. */
export const realtimeMessageSchema = z.union([realtimePushSchema, realtimeReplySchema]);

/** What a client sends: subscribe or unsubscribe to topics (blocks, mempool, mining, network, address:<0x…>). */
export const realtimeRequestSchema = z.object({ op: z.enum(['subscribe', 'unsubscribe']), topics: z.array(z.string().max(64)).max(200) });
