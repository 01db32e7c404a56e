import {
  RuleError,
  addressKey,
  txSender,
  type ContractCall,
  type ContractExecutor,
  type ContractOutcome,
  type ContractPayload,
  type ContractView,
  type SignatureBackend,
  type TransferTx,
} from '@hackcoin/core';

/**
 * Thrown in place of a candidate's non-rule failure so that assembleBlockState skips the
 * transaction as it skips one a rule refuses. The code is never shown to anyone: assembly
 * swallows it, and the template reports the failure (CandidateExecutor.failures).
 */
class CandidateSkipped extends RuleError {
  constructor(readonly why: string) {
    super('bad-txns-contract-payload', why, 0);
  }
}

/**
 * The VM for one template assembly, turning a candidate's non-rule failure (a HostFailure, the
 * host's own stack overflow, an outcome core's applyContractTx would refuse with a plain Error)
 * into a skip of that transaction alone. Without it each such failure aborted the whole assembly
 * (CandidateFailure) and the template was assembled again from scratch, every contract call
 * before it run again, up to a block's 200M gas per failure.
 *
 * Skipping is exact only because every failure is raised before applyContractTx changes any
 * state but the sender's debit, which assembleBlockState rolls back on a RuleError: the checks
 * applyContractTx makes after execute() returns are made here first, on the outcome, with the
 * view as it stands then. Accounts the failed call only read stay loaded in the workspace,
 * unchanged, which leaves the state root as it is. Should the two sets of checks ever drift
 * apart, core's own error still surfaces as a CandidateFailure, which createTemplate bounds.
 */
export class CandidateExecutor implements ContractExecutor {
  private readonly failed: { sender: string; why: string }[] = [];

  constructor(private readonly vm: ContractExecutor) {}

  /** Passed through: its non-rule failures (a bug of this node) are left to the CandidateFailure path, which names the transaction. */
  checkPayload(payload: ContractPayload): void {
    this.vm.checkPayload?.(payload);
  }

  execute(call: ContractCall, view: ContractView): ContractOutcome {
    let outcome: ContractOutcome;
    try {
      outcome = this.vm.execute(call, view);
    } catch (e) {
      if (e instanceof RuleError || storageFailure(e) !== undefined) throw e;
      this.skip(call, e instanceof Error ? e.message : String(e));
    }
    const refused = refusal(call, outcome, view);
    if (refused !== undefined) this.skip(call, refused);
    return outcome;
  }

  /**
   * The candidates that failed, among `candidates` as assembled into `included`: a sender's failed
   * transaction is its lowest nonce left out, since any earlier one left out would have stopped it
   * at the nonce rule before it ran. A sender fails at most once per assembly for the same reason.
   */
  failures(candidates: readonly TransferTx[], included: readonly TransferTx[], backend: SignatureBackend): { tx: TransferTx; why: string }[] {
    if (this.failed.length === 0) return [];
    const kept = new Set(included);
    const why = new Map(this.failed.map((f) => [f.sender, f.why]));
    const out: { tx: TransferTx; why: string }[] = [];
    for (const tx of candidates) {
      if (kept.has(tx) || tx.data.length === 0) continue;
      const sender = addressKey(txSender(tx, backend));
      const reason = why.get(sender);
      if (reason === undefined) continue;
      why.delete(sender);
      out.push({ tx, why: reason });
    }
    return out;
  }

  private skip(call: ContractCall, why: string): never {
    this.failed.push({ sender: addressKey(call.sender), why });
    throw new CandidateSkipped(why);
  }
}

/** What applyContractTx would throw (a plain Error, after changing state) for `outcome`, or undefined. */
function refusal(call: ContractCall, outcome: ContractOutcome, view: ContractView): string | undefined {
  if (!Number.isSafeInteger(outcome.gasUsed) || outcome.gasUsed < 0 || outcome.gasUsed > call.gasLimit) {
    return `contract executor reported gasUsed ${outcome.gasUsed} outside [0, ${call.gasLimit}]`;
  }
  if (outcome.status !== 'success') return undefined;
  if (call.kind === 'deploy' && outcome.code === undefined) return 'contract executor returned no code for a deploy';
  // As applyContractTx pays them out: the value first, then each transfer in order (one to the contract itself nets out).
  const contract = addressKey(call.contract);
  let balance = view.balanceOf(contract) + call.value;
  for (const t of outcome.transfers) {
    if (t.amount > balance) return 'contract executor transferred more than the contract holds';
    if (addressKey(t.to) !== contract) balance -= t.amount;
  }
  return undefined;
}

/**
 * The storage error in `e` or its causes, if there is one: classic-level names its errors LEVEL_*
 * (I/O, corruption, database not open), and the VM wraps them as a HostFailure's cause.
 */
export function storageFailure(e: unknown): unknown {
  for (let depth = 0; depth < 8 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('LEVEL_')) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
