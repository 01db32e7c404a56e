import { hash } from 'node:crypto';
import {
  CONTRACT_LIMITS,
  RuleError,
  addressKey,
  formatAddress,
  parseAddress,
  type ContractCall,
  type ContractExecutor,
  type ContractOutcome,
  type ContractPayload,
  type ContractView,
  valueDepthExceeds,
} from '@hackcoin/core';
import type { ContractEngine } from './engine.js';
import { ContractError, HostFailure } from './errors.js';
import { prepareOnce } from './prepare-once.js';
import type { ContractHost, ExecutionResult, PreparedContract } from './types.js';
import { OldestFirst } from '../util/oldest-first.js';

/** Lowercase hex key of an address string, or undefined when it is not an address. */
export function keyOf(address: string): string | undefined {
  try {
    return addressKey(parseAddress(address));
  } catch {
    return undefined;
  }
}

/**
 * Sources recently refused under a consensus limit, remembered by hash (Core's recentRejects):
 * the refusal costs the sender nothing, so the same source can come straight back, under a new
 * transaction too, and reaching the verdict took preparing it (up to ~0.6 s of the main thread
 * for a 48 KB source that breaks the instrumented-depth limit). A few hundred bytes each.
 */
const REFUSED_CACHE_ENTRIES = 4_096;

/** What a refusal needs to be thrown again: a stored Error would keep its stack alive. */
type Refusal = Pick<RuleError, 'code' | 'detail' | 'score'>;

/** Over UTF-16 code units, which survive any string: UTF-8 would map every lone surrogate to U+FFFD and merge sources. */
function sourceHash(source: string): string {
  return hash('sha256', Buffer.from(source, 'utf16le'), 'hex');
}

function reverted(reason: string, gasUsed: number): ContractOutcome {
  return { status: 'reverted', gasUsed, revertReason: reason, storageWrites: new Map(), transfers: [], events: [] };
}

/** Chain state read for a contract: whatever goes wrong there is the host's failure, never the contract's. */
function guarded<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new HostFailure(`chain state read failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A chain-state view as the engine's (string-addressed, read-only) host. */
export function engineHost(view: ContractView): ContractHost {
  // Parsing an EIP-55 address hashes it (keccak), and contracts name the same few addresses on
  // every storage access: remember them for this host's transaction. Each distinct address string
  // costs the transaction at least a warm access, which bounds the map.
  const keys = new Map<string, string | undefined>();
  const keyFor = (address: string): string | undefined => {
    if (keys.has(address)) return keys.get(address);
    const k = keyOf(address);
    keys.set(address, k);
    return k;
  };
  return {
    storageGet: (contract, key) => {
      const k = keyFor(contract);
      return k === undefined ? undefined : guarded(() => view.storageGet(k, key));
    },
    balanceOf: (address) => {
      const k = keyFor(address);
      return k === undefined ? 0n : guarded(() => view.balanceOf(k));
    },
    codeOf: (address) => {
      const k = keyFor(address);
      return k === undefined ? undefined : guarded(() => view.codeOf(k));
    },
  };
}

/**
 * core's ContractExecutor over the QuickJS engine. Addresses cross into
 * contracts as EIP-55 strings (msg.sender, msg.contract). A successful
 * result is checked before the chain applies it: every transfer must go to a
 * valid address, otherwise the call reverts, still charging the gas it used.
 * (Storage keys that are not well-formed Unicode are refused inside the VM,
 * by the sandbox prelude: the host only ever sees well-formed strings.)
 */
export class QuickJsExecutor implements ContractExecutor {
  private readonly refused = new Map<string, Refusal>();
  private readonly refusedOldest = new OldestFirst(this.refused);

  constructor(
    private readonly engine: ContractEngine,
    /**
     * Remembers its latest verdicts (prepareOnce): a deploy is checked at admission, in the template
     * and in the block. Injectable so tests can count the sources really prepared.
     */
    private readonly prepareSource: (source: string) => PreparedContract = prepareOnce,
  ) {}

  /**
   * Consensus limits on a deploy's source (RuleError); an unacceptable but well-bounded source only reverts later.
   * A source refused lately is refused again from memory, with the same rule: the verdict is a function of the source alone.
   */
  checkPayload(payload: ContractPayload): void {
    if (payload.type === 'deploy') this.prepare(payload.code);
  }

  private prepare(source: string): PreparedContract | ContractError {
    const key = sourceHash(source);
    const refusal = this.refused.get(key);
    if (refusal) throw new RuleError(refusal.code, refusal.detail, refusal.score);
    try {
      return this.prepareSource(source);
    } catch (e) {
      if (e instanceof RuleError) {
        this.refused.set(key, { code: e.code, detail: e.detail, score: e.score });
        if (this.refused.size > REFUSED_CACHE_ENTRIES) this.refusedOldest.evict();
      }
      if (e instanceof ContractError) return e;
      throw e;
    }
  }

  execute(call: ContractCall, view: ContractView): ContractOutcome {
    let code = call.code;
    if (call.kind === 'deploy') {
      const prepared = this.prepare(call.code);
      if (prepared instanceof ContractError) return reverted(prepared.message, 0);
      code = prepared.code;
    }
    const result: ExecutionResult = this.engine.execute({
      code,
      fn: call.fn,
      args: call.args,
      sender: formatAddress(call.sender),
      value: call.value,
      contractAddress: formatAddress(call.contract),
      block: call.block,
      gasLimit: call.gasLimit,
      readOnly: false,
      host: engineHost(view),
      deploying: call.kind === 'deploy',
    });
    if (result.status !== 'success') {
      const out: ContractOutcome = { status: result.status, gasUsed: result.gasUsed, storageWrites: new Map(), transfers: [], events: [] };
      if (result.revertReason !== undefined) out.revertReason = result.revertReason;
      return out;
    }
    const transfers: { to: Uint8Array; amount: bigint }[] = [];
    for (const t of result.transfers) {
      let to: Uint8Array;
      try {
        to = parseAddress(t.to);
      } catch {
        return reverted(`transfer to an invalid address: ${t.to.slice(0, 64)}`, result.gasUsed);
      }
      transfers.push({ to, amount: t.amount });
    }
    // The sandbox enforces these; checked again so that receipts can be encoded whatever the VM returned.
    const { maxEvents, maxValueDepth } = CONTRACT_LIMITS;
    if (result.events.length > maxEvents) return reverted(`more than ${maxEvents} events`, result.gasUsed);
    if (valueDepthExceeds(result.returnValue, maxValueDepth) || result.events.some((e) => valueDepthExceeds(e.data, maxValueDepth))) {
      return reverted(`a value nests deeper than ${maxValueDepth}`, result.gasUsed);
    }
    const out: ContractOutcome = {
      status: 'success',
      gasUsed: result.gasUsed,
      storageWrites: result.storageWrites,
      transfers,
      events: result.events,
    };
    if (call.kind === 'deploy') out.code = code;
    if (result.returnValue !== undefined) out.returnValue = result.returnValue;
    return out;
  }
}
