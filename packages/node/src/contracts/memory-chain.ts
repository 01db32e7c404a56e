import type { ContractEngine } from './engine.js';
import { prepareContract } from './instrument.js';
import type { BlockInfo, ContractHost, ExecutionResult } from './types.js';

/**
 * An in-memory chain state that applies execution results the way a real
 * chain should: only on success, crediting msg.value to the contract first.
 * Used by the tests and the benchmark, and a reference for the chain code.
 */
export class MemoryChain implements ContractHost {
  readonly balances = new Map<string, bigint>();
  private readonly storage = new Map<string, Map<string, string>>();
  private readonly code = new Map<string, string>();
  block: BlockInfo = { height: 1, time: 1_700_000_000 };

  constructor(private readonly engine: ContractEngine) {}

  storageGet(contract: string, key: string): string | undefined {
    return this.storage.get(contract)?.get(key);
  }

  balanceOf(address: string): bigint {
    return this.balances.get(address) ?? 0n;
  }

  codeOf(address: string): string | undefined {
    return this.code.get(address);
  }

  storageOf(contract: string): ReadonlyMap<string, string> {
    return this.storage.get(contract) ?? new Map();
  }

  deploy(address: string, source: string, sender: string, args: unknown[] = [], gasLimit = 10_000_000): ExecutionResult {
    const { code } = prepareContract(source);
    const result = this.engine.execute({
      code, fn: 'init', args, sender, value: 0n, contractAddress: address, block: this.block,
      gasLimit, readOnly: false, host: this, deploying: true,
    });
    if (result.status === 'success') {
      this.code.set(address, code);
      this.applyResult(address, sender, 0n, result);
    }
    return result;
  }

  call(address: string, fn: string, args: unknown[], sender: string, value = 0n, gasLimit = 10_000_000): ExecutionResult {
    const code = this.code.get(address);
    if (code === undefined) throw new Error(`no contract at ${address}`);
    const result = this.engine.execute({
      code, fn, args, sender, value, contractAddress: address, block: this.block,
      gasLimit, readOnly: false, host: this,
    });
    if (result.status === 'success') this.applyResult(address, sender, value, result);
    return result;
  }

  view(address: string, fn: string, args: unknown[] = [], sender = 'viewer'): ExecutionResult {
    const code = this.code.get(address);
    if (code === undefined) throw new Error(`no contract at ${address}`);
    return this.engine.execute({
      code, fn, args, sender, value: 0n, contractAddress: address, block: this.block,
      gasLimit: 10_000_000, readOnly: true, host: this,
    });
  }

  private applyResult(address: string, sender: string, value: bigint, result: ExecutionResult): void {
    if (value > 0n) {
      const from = this.balanceOf(sender);
      if (from < value) throw new Error(`${sender} cannot pay ${value}`);
      this.balances.set(sender, from - value);
      this.balances.set(address, this.balanceOf(address) + value);
    }
    const slots = this.storage.get(address) ?? new Map<string, string>();
    for (const [key, json] of result.storageWrites) {
      if (json === null) slots.delete(key);
      else slots.set(key, json);
    }
    this.storage.set(address, slots);
    for (const { to, amount } of result.transfers) {
      this.balances.set(address, this.balanceOf(address) - amount);
      this.balances.set(to, this.balanceOf(to) + amount);
    }
  }
}
