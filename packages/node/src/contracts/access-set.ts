import { GAS } from './gas-schedule.js';

/**
 * What one transaction has touched so far (EIP-2929): the first access to an
 * account or a storage slot is cold and pays for a disk read, later ones are
 * warm. Shared by the top-level call and every nested call of the
 * transaction; never reset by a revert, so the price of an access depends
 * only on the order of the transaction's own accesses.
 */
export class AccessSet {
  private readonly accounts = new Set<string>();
  private readonly slots = new Set<string>();
  private readonly created = new Set<string>();
  private readonly codes = new Set<string>();

  /** The sender and the called contract are warm from the start, as in EIP-2929. */
  constructor(warm: readonly string[]) {
    for (const a of warm) this.accounts.add(a.toLowerCase());
  }

  /** Gas for touching an account: coldAccount the first time, warmAccount after. */
  account(address: string): number {
    const k = address.toLowerCase();
    if (this.accounts.has(k)) return GAS.warmAccount;
    this.accounts.add(k);
    return GAS.coldAccount;
  }

  /** Extra gas for the first touch of a slot (the warm price is charged by the prelude). */
  slot(contract: string, key: string): number {
    const id = `${contract.toLowerCase()}|${key}`;
    if (this.slots.has(id)) return 0;
    this.slots.add(id);
    return GAS.coldSlotExtra;
  }

  /**
   * Gas for running a contract's code (EIP-7907 style): the first time in
   * the transaction, a base plus a price per word of the instrumented code,
   * which a node may have to compile; free after that.
   */
  code(address: string, codeChars: number): number {
    const k = address.toLowerCase();
    if (this.codes.has(k)) return 0;
    this.codes.add(k);
    return coldCodeGas(codeChars);
  }

  /** Gas for paying an account whose balance is `balance`: creating it is charged once per transaction. */
  payee(address: string, balance: bigint): number {
    const k = address.toLowerCase();
    if (balance !== 0n || this.created.has(k)) return 0;
    this.created.add(k);
    return GAS.newAccount;
  }
}

/** What a deploy pays to store instrumented code `code` (GAS.codeDepositPerByte). */
export function codeDepositGas(code: string): number {
  return GAS.codeDepositPerByte * utf8Length(code);
}

/** The cold-code price of instrumented code `codeChars` UTF-16 code units long. */
export function coldCodeGas(codeChars: number): number {
  return GAS.coldCodeBase + GAS.coldCodePerWord * Math.ceil(codeChars / GAS.codeWordChars);
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Gas a storage write or delete adds beyond the prelude's warm price and
 * marshalling: priced for the disk it makes permanent (see GAS.storageNewSlot).
 * `previous` is the slot's value as the call sees it (undefined when absent).
 */
export function storageWriteGas(key: string, previous: string | undefined, value: string | null): number {
  if (value === null) return previous === undefined ? 0 : GAS.storageModify;
  const size = utf8Length(key) + utf8Length(value);
  if (previous === undefined) {
    return GAS.storageNewSlot + GAS.storageGrowthPerByte * Math.max(0, size - GAS.storageSlotFreeBytes);
  }
  const paid = Math.max(utf8Length(key) + utf8Length(previous), GAS.storageSlotFreeBytes);
  return GAS.storageModify + GAS.storageRewritePerByte * Math.max(0, size - GAS.storageSlotFreeBytes) + GAS.storageGrowthPerByte * Math.max(0, size - paid);
}
