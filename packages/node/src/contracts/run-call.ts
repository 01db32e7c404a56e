import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import { AccessSet, codeDepositGas, storageWriteGas, utf8Length } from './access-set.js';
import { guestError } from './errors.js';
import { GAS, LIMITS } from './gas-schedule.js';
import type { ContractEvent, ExecutionRequest, ExecutionResult, Transfer } from './types.js';
import type { HostFunctionName, VmPool } from './vm-pool.js';

/** Mutable bookkeeping for one call; nothing here touches the host's state. */
interface CallState {
  readonly writes: Map<string, string | null>;
  readonly transfers: Transfer[];
  readonly events: ContractEvent[];
  /** Own balance + msg.value - transfers so far; read from the host lazily. */
  available: bigint | undefined;
  /** Open regex executions, innermost last: interrupt polls counted and allowed. */
  readonly regex: { polls: number; allowed: number }[];
  polls: number;
  readonly killPolls: number;
  /** Set when the interrupt handler stopped the VM: the call is out of gas. */
  stopped: boolean;
}

function outOfGas(gasLimit: number): ExecutionResult {
  return { status: 'out-of-gas', gasUsed: gasLimit, storageWrites: new Map(), transfers: [], events: [] };
}

/** Host functions must not let guest code run: check the type before reading anything. */
function stringArg(ctx: QuickJSContext, handle: QuickJSHandle | undefined, what: string): string {
  if (handle === undefined || ctx.typeof(handle) !== 'string') throw guestError(TypeError, `${what} must be a string`);
  return ctx.getString(handle);
}

function numberArg(ctx: QuickJSContext, handle: QuickJSHandle | undefined, what: string): number {
  if (handle === undefined || ctx.typeof(handle) !== 'number') throw guestError(TypeError, `${what} must be a number`);
  return ctx.getNumber(handle);
}

function available(req: ExecutionRequest, state: CallState): bigint {
  state.available ??= req.host.balanceOf(req.contractAddress) + req.value;
  return state.available;
}

function writable(req: ExecutionRequest): void {
  if (req.readOnly) throw guestError(Error, 'state change in a read-only call');
}

/** A slot's value as this call sees it: its own writes first, then the host. */
function current(req: ExecutionRequest, state: CallState, key: string): string | undefined {
  const own = state.writes.get(key);
  if (own !== undefined) return own ?? undefined;
  return state.writes.has(key) ? undefined : req.host.storageGet(req.contractAddress, key);
}

type HostFunction = (...args: QuickJSHandle[]) => QuickJSHandle | undefined;

function hostFunctions(
  pool: VmPool,
  ctx: QuickJSContext,
  req: ExecutionRequest,
  state: CallState,
  depth: number,
  access: AccessSet,
): Record<HostFunctionName, HostFunction> {
  // Storage replies carry the access gas the prelude must charge: `cost|json` (json empty when absent).
  return {
    sget: (key) => {
      const k = stringArg(ctx, key, 'storage key');
      const cold = access.slot(req.contractAddress, k);
      return ctx.newString(`${cold}|${current(req, state, k) ?? ''}`);
    },
    sset: (key, value) => {
      writable(req);
      const k = stringArg(ctx, key, 'storage key');
      const json = stringArg(ctx, value, 'storage value');
      const cost = access.slot(req.contractAddress, k) + storageWriteGas(k, current(req, state, k), json);
      state.writes.set(k, json);
      return ctx.newNumber(cost);
    },
    sdel: (key) => {
      writable(req);
      const k = stringArg(ctx, key, 'storage key');
      const cost = access.slot(req.contractAddress, k) + storageWriteGas(k, current(req, state, k), null);
      state.writes.set(k, null);
      return ctx.newNumber(cost);
    },
    balance: () => ctx.newString(available(req, state).toString()),
    transfer: (to, amount) => {
      writable(req);
      const recipient = stringArg(ctx, to, 'recipient');
      // The prelude passes only decimal strings: anything else is a host bug (BigInt throws a host failure).
      const units = BigInt(stringArg(ctx, amount, 'amount'));
      if (units > available(req, state)) throw guestError(Error, 'insufficient contract balance');
      state.available = available(req, state) - units;
      state.transfers.push({ to: recipient, amount: units });
      return ctx.newNumber(access.account(recipient) + access.payee(recipient, req.host.balanceOf(recipient)));
    },
    emit: (name, data) => {
      writable(req);
      const eventName = stringArg(ctx, name, 'event name');
      const json = stringArg(ctx, data, 'event data');
      state.events.push({ name: eventName, data: JSON.parse(json) });
      return ctx.newNumber(utf8Length(JSON.stringify(eventName)) + utf8Length(json));
    },
    call: (address, fn, args, budget) => {
      const target = stringArg(ctx, address, 'contract address');
      const name = stringArg(ctx, fn, 'function name');
      const argsJson = stringArg(ctx, args, 'call arguments');
      const gasLimit = Math.floor(numberArg(ctx, budget, 'gas budget'));
      if (depth + 1 > LIMITS.maxCallDepth) throw guestError(Error, 'call depth limit reached');
      let cost = access.account(target);
      if (cost > gasLimit) return ctx.newString(`O${gasLimit}|`);
      const code = req.host.codeOf(target);
      if (code === undefined) throw guestError(Error, `no contract at ${target}`);
      cost += access.code(target, code.length);
      if (cost > gasLimit) return ctx.newString(`O${gasLimit}|`);
      const sub = runCall(
        pool,
        {
          code, fn: name, args: JSON.parse(argsJson) as unknown[], sender: req.contractAddress, value: 0n,
          contractAddress: target, block: req.block, gasLimit: gasLimit - cost, readOnly: true, host: req.host,
          ...(req.deadline === undefined ? {} : { deadline: req.deadline }),
        },
        depth + 1,
        access,
      );
      const payload =
        sub.status === 'success'
          ? sub.returnValue === undefined ? '' : JSON.stringify(sub.returnValue)
          : sub.revertReason ?? '';
      const tag = sub.status === 'success' ? 'S' : sub.status === 'reverted' ? 'R' : 'O';
      return ctx.newString(`${tag}${sub.gasUsed + cost}|${payload}`);
    },
    rxBegin: (budget) => {
      const gasLeft = numberArg(ctx, budget, 'regex budget');
      state.regex.push({ polls: 0, allowed: Math.floor(gasLeft / GAS.regexPerPoll) });
      return undefined;
    },
    rxEnd: () => ctx.newNumber(state.regex.pop()?.polls ?? 0),
  };
}

function parseReply(reply: string, gasLimit: number, state: CallState): ExecutionResult {
  if (reply[0] === 'O') return outOfGas(gasLimit);
  const bar = reply.indexOf('|');
  const gasLeft = Number(reply.slice(1, bar));
  // The counter only ever goes down from the limit; anything else is treated as running out.
  if (!(gasLeft >= 0 && gasLeft <= gasLimit)) return outOfGas(gasLimit);
  const payload = reply.slice(bar + 1);
  const gasUsed = gasLimit - gasLeft;
  if (reply[0] === 'S') {
    // The return value is stored in the receipt: paid per UTF-8 byte once the call has produced it.
    const returned = gasUsed + utf8Length(payload) * GAS.returnPerByte;
    if (returned > gasLimit) return outOfGas(gasLimit);
    return {
      status: 'success',
      gasUsed: returned,
      ...(payload === '' ? {} : { returnValue: JSON.parse(payload) as unknown }),
      storageWrites: state.writes,
      transfers: state.transfers,
      events: state.events,
    };
  }
  return { status: 'reverted', gasUsed, revertReason: payload, storageWrites: new Map(), transfers: [], events: [] };
}

function stackBytes(depth: number): number {
  return Math.floor(LIMITS.maxStackBytes / 2 ** depth);
}

/**
 * One contract call, in the instance for its depth restored to the contract's
 * ready snapshot (see vm-pool.ts): identical starting memory for every call.
 */
/** Whether an argument string or key is longer than a contract may hold (args nest at most CONTRACT_LIMITS.maxArgsDepth deep). */
function overlongArgument(args: unknown[]): boolean {
  const stack: unknown[] = [...args];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.length > LIMITS.maxStringLength) return true;
    } else if (Array.isArray(v)) {
      for (const x of v as unknown[]) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.length > LIMITS.maxStringLength) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

/**
 * A transaction's call: the called contract's code is cold (see
 * AccessSet.code), then the call runs with what is left. Call arguments
 * may not carry a string longer than LIMITS.maxStringLength (reverted, no gas used).
 */
export function runTopCall(pool: VmPool, req: ExecutionRequest): ExecutionResult {
  if (overlongArgument(req.args)) {
    return {
      status: 'reverted', gasUsed: 0, revertReason: `call argument string longer than ${LIMITS.maxStringLength} characters`,
      storageWrites: new Map(), transfers: [], events: [],
    };
  }
  const access = new AccessSet([req.sender, req.contractAddress]);
  const codeGas = access.code(req.contractAddress, req.code.length) + (req.deploying ? codeDepositGas(req.code) : 0);
  if (codeGas > req.gasLimit) return outOfGas(req.gasLimit);
  const result = runCall(pool, { ...req, gasLimit: req.gasLimit - codeGas }, 0, access);
  return { ...result, gasUsed: result.gasUsed + codeGas };
}

export function runCall(
  pool: VmPool,
  req: ExecutionRequest,
  depth: number,
  access: AccessSet,
): ExecutionResult {
  const state: CallState = {
    writes: new Map(),
    transfers: [],
    events: [],
    available: undefined,
    regex: [],
    polls: 0,
    killPolls: LIMITS.killPollsBase + Math.ceil(req.gasLimit * LIMITS.killPollsPerGas),
    stopped: false,
  };
  const input = JSON.stringify({
    fn: req.fn,
    args: req.args,
    sender: req.sender,
    value: req.value.toString(),
    contract: req.contractAddress,
    height: req.block.height,
    time: req.block.time,
    deploying: req.deploying === true,
  });

  // Interrupt polls alone would let a view calling many uncached contracts overrun its deadline by a build per call.
  if (req.deadline !== undefined && Date.now() > req.deadline) return outOfGas(req.gasLimit);
  const slot = pool.enter(depth, req.code);
  if (slot === undefined) return outOfGas(req.gasLimit);
  const { ctx } = slot;
  state.polls = slot.ready?.setupPolls ?? 0;
  // From here on the memory differs from every snapshot until the next restore.
  slot.clean = undefined;
  slot.runtime.setMaxStackSize(stackBytes(depth));
  slot.frame = {
    fns: hostFunctions(pool, ctx, req, state, depth, access),
    interrupt: () => {
      const regex = state.regex[state.regex.length - 1];
      if (regex !== undefined) {
        regex.polls++;
        if (regex.polls > regex.allowed) state.stopped = true;
      } else if (++state.polls > state.killPolls) {
        state.stopped = true;
      }
      if (req.deadline !== undefined && Date.now() > req.deadline) state.stopped = true;
      return state.stopped;
    },
  };
  // Handles made here are not disposed: the next restore discards them with the memory.
  try {
    const entry = ctx.getProp(slot.holder, 'entry');
    const reply = ctx.callFunction(entry, ctx.undefined, ctx.newNumber(req.gasLimit), ctx.newString(input));
    // Errors escaping the prelude are interrupts, memory exhaustion or stack
    // overflow outside contract code: all treated as running out of gas.
    if (reply.error) return outOfGas(req.gasLimit);
    if (state.stopped || ctx.typeof(reply.value) !== 'string') return outOfGas(req.gasLimit);
    return parseReply(ctx.getString(reply.value), req.gasLimit, state);
  } finally {
    slot.frame = undefined;
  }
}
