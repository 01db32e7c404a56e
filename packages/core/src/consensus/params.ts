/**
 * Every consensus constant of HackCoin lives here. Changing any value of an
 * existing network is a hard fork.
 */
export type NetworkName = 'main' | 'test' | 'regtest';

export const COIN = 100_000_000n;

export interface GenesisSpec {
  time: number;
  bits: number;
  nonce: number;
  /** Message carried in the genesis coinbase's extra field, like Bitcoin's headline. */
  message: string;
}

export interface ConsensusParams {
  readonly network: NetworkName;
  /** Signed into every transaction: a transaction for one network is invalid on the others. */
  readonly chainId: number;
  /** Highest (easiest) allowed target, as compact bits. */
  readonly powLimitBits: number;
  readonly targetSpacing: number;
  readonly retargetInterval: number;
  /** Regtest keeps its difficulty fixed so tests and demos mine instantly. */
  readonly noRetargeting: boolean;
  readonly maxRetargetFactor: number;
  readonly medianTimeSpan: number;
  readonly maxFutureBlockTime: number;
  /**
   * BIP94-style time-warp bound (seconds): the first block of a retarget
   * window may not be earlier than its parent (the last block of the previous
   * window) by more than this.
   */
  readonly maxTimewarp: number;
  readonly initialSubsidy: bigint;
  readonly halvingInterval: number;
  readonly maxBlockSize: number;
  readonly maxBlockTxs: number;
  readonly maxTxDataSize: number;
  readonly maxCoinbaseExtra: number;
  /** Highest gasLimit one contract transaction may declare. */
  readonly maxTxGas: number;
  /** Highest sum of the gasLimits of a block's contract transactions. */
  readonly maxBlockGas: number;
  /** Intrinsic gas of every contract transaction, charged before any code runs. */
  readonly contractTxBaseGas: number;
  /** Intrinsic gas per byte of a contract transaction's data (payload). */
  readonly contractDataGasPerByte: number;
  /**
   * Intrinsic gas per character of a deploy's source, for preparing it (parse, check and
   * instrument) before any of it runs: up to ~4.5 µs per character on the reference machine,
   * about what this much gas of plain code takes (docs/contracts.md, "Deploying").
   */
  readonly contractDeployGasPerSourceChar: number;
  readonly blockVersion: number;
  readonly genesis: GenesisSpec;
}

/**
 * Structural limits of contract transactions and of what contract code may
 * hand back to the chain (see docs/contracts.md). They exist so that every
 * step from a transaction's bytes to its receipt does bounded work with
 * bounded host stack: all are checked by code that does not recurse before
 * the thing they bound is parsed, walked or executed. The same on every
 * network; changing one is a hard fork.
 */
export const CONTRACT_LIMITS = {
  /** UTF-16 code units of a deploy's source. */
  maxSourceLength: 49_152,
  /**
   * Nesting of the source as the parser sees it: at most this many of the
   * parser's recursive productions (statement, assignment expression, unary
   * and binary operator, atom, binding pattern, regex group) may be open at
   * once. A chain `a + b + c` counts one per operator.
   */
  maxParseDepth: 96,
  /**
   * The same measure on the instrumented code QuickJS compiles (metering
   * wraps some expressions in a few more levels). QuickJS's parser recurses
   * on the host's native stack without noticing, about 0.75 KB per level
   * measured here, so this bounds its stack use at deploy.
   */
  maxInstrumentedDepth: 160,
  /** Depth of the syntax tree (the program node is 1); bounds `a.b.c…` chains, which parse by a loop. */
  maxSyntaxDepth: 128,
  /** Exported functions of one contract. */
  maxExports: 64,
  /** JSON nesting of a call's `args` or a deploy's `init` (the array itself is 1); their size is bounded by maxTxDataSize. */
  maxArgsDepth: 32,
  /** JSON nesting of every value contract code hands out: return value, event data, storage value, nested-call arguments. */
  maxValueDepth: 32,
  /** JSON text length of a call's return value. */
  maxReturnLength: 16_384,
  /** Events one contract transaction may emit (nested calls are read-only and emit none). */
  maxEvents: 64,
  /** JSON nesting JSON.stringify serialises inside the VM (QuickJS recurses natively per level). */
  maxJsonDepth: 256,
} as const;

const GENESIS_MESSAGE = 'HackCoin genesis: correct consensus first, then speed';

const COMMON = {
  retargetInterval: 10,
  maxRetargetFactor: 4,
  medianTimeSpan: 11,
  maxFutureBlockTime: 2 * 60 * 60,
  maxTimewarp: 600,
  initialSubsidy: 50n * COIN,
  maxBlockSize: 2_000_000,
  maxBlockTxs: 10_000,
  maxTxDataSize: 65_536,
  maxCoinbaseExtra: 100,
  maxTxGas: 50_000_000,
  maxBlockGas: 200_000_000,
  contractTxBaseGas: 20_000,
  contractDataGasPerByte: 16,
  contractDeployGasPerSourceChar: 600,
  blockVersion: 1,
} as const;

export const NETWORKS: Readonly<Record<NetworkName, ConsensusParams>> = {
  main: {
    ...COMMON,
    network: 'main',
    chainId: 0x4843_0001,
    powLimitBits: 0x1f00ffff,
    targetSpacing: 60,
    noRetargeting: false,
    halvingInterval: 210_000,
    genesis: { time: 1_795_000_000, bits: 0x1f00ffff, nonce: 162_832, message: GENESIS_MESSAGE },
  },
  test: {
    ...COMMON,
    network: 'test',
    chainId: 0x4843_0002,
    powLimitBits: 0x1f00ffff,
    targetSpacing: 30,
    noRetargeting: false,
    halvingInterval: 210_000,
    genesis: { time: 1_795_000_001, bits: 0x1f00ffff, nonce: 43_060, message: GENESIS_MESSAGE },
  },
  regtest: {
    ...COMMON,
    network: 'regtest',
    chainId: 0x4843_0003,
    powLimitBits: 0x207fffff,
    targetSpacing: 1,
    noRetargeting: true,
    halvingInterval: 150,
    genesis: { time: 1_795_000_002, bits: 0x207fffff, nonce: 1, message: GENESIS_MESSAGE },
  },
};

/**
 * Work a header chain must have before anything is taken from it (Bitcoin
 * Core's nMinimumChainWork): the full node fetches no block bodies for a
 * chain below it, and a light client verifies no balance against one. Every
 * network is zero for now: main and test have no history yet whose work
 * could be pinned, so there is no defensible figure. Raise it with each
 * release to the work of a recent block. Not a consensus rule: a node with a
 * different figure follows the same chain, only later.
 */
export const MIN_CHAIN_WORK: Readonly<Record<NetworkName, bigint>> = { main: 0n, test: 0n, regtest: 0n };

export function getParams(network: string): ConsensusParams {
  if (network !== 'main' && network !== 'test' && network !== 'regtest') {
    throw new Error(`unknown network "${network}" (expected main, test or regtest)`);
  }
  return NETWORKS[network];
}
