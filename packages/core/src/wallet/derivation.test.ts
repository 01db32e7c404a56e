import { describe, expect, it } from 'vitest';
import { HDKey } from '@scure/bip32';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';
import { formatAddress } from '../primitives/address.js';
import {
  HACKCOIN_COIN_TYPE,
  accountChain,
  derivationPath,
  deriveFromChain,
  deriveKey,
  keyInfoFromPrivateKey,
  masterKeyFromSeed,
} from './derivation.js';
import { WalletError } from './errors.js';
import { mnemonicToSeed } from './mnemonic.js';

// BIP32 test vector 1 (bitcoin/bips bip-0032.mediawiki), H = hardened.
const BIP32_SEED = '000102030405060708090a0b0c0d0e0f';
const BIP32_CHAIN: Array<[string, string, string]> = [
  [
    'm',
    'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8',
    'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
  ],
  [
    "m/0'",
    'xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw',
    'xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7',
  ],
  [
    "m/0'/1",
    'xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ',
    'xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs',
  ],
  [
    "m/0'/1/2'",
    'xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5',
    'xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM',
  ],
  [
    "m/0'/1/2'/2",
    'xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV',
    'xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334',
  ],
  [
    "m/0'/1/2'/2/1000000000",
    'xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy',
    'xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76',
  ],
];

const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** Address computed without the code under test: keccak of the uncompressed key, last 20 bytes. */
function independentAddress(privateKey: Uint8Array): string {
  const uncompressed = secp256k1.getPublicKey(privateKey, false);
  return formatAddress(keccak_256(uncompressed.subarray(1)).slice(12));
}

describe('BIP32 test vector 1', () => {
  const master = HDKey.fromMasterSeed(hexToBytes(BIP32_SEED));
  for (const [path, xpub, xprv] of BIP32_CHAIN) {
    it(path, () => {
      const node = master.derive(path);
      expect(node.publicExtendedKey).toBe(xpub);
      expect(node.privateExtendedKey).toBe(xprv);
    });
  }
});

describe('HackCoin derivation path', () => {
  it("is m/44'/18499'/account'/0/index", () => {
    expect(HACKCOIN_COIN_TYPE).toBe(18499);
    expect(derivationPath(0, 0)).toBe("m/44'/18499'/0'/0/0");
    expect(derivationPath(3, 7)).toBe("m/44'/18499'/3'/0/7");
    expect(() => derivationPath(-1, 0)).toThrow(WalletError);
    expect(() => derivationPath(0, 2 ** 31)).toThrow(WalletError);
    expect(() => derivationPath(0, 1.5)).toThrow(WalletError);
  });

  it('matches the Ethereum address rule on the Ethereum path (known address of the abandon phrase)', async () => {
    const seed = await mnemonicToSeed(ABANDON);
    const node = HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'/0/0");
    expect(keyInfoFromPrivateKey(node.privateKey!).addressText).toBe('0x9858EfFD232B4033E47d90003D41EC34EcaEda94');
  });

  it('is deterministic and agrees with a direct BIP32 derivation', async () => {
    const seed = await mnemonicToSeed(ABANDON);
    const a = deriveKey(seed, 0, 0);
    const b = deriveKey(masterKeyFromSeed(seed), 0, 0);
    expect(bytesToHex(a.privateKey)).toBe(bytesToHex(b.privateKey));
    expect(a.addressText).toBe(b.addressText);

    const direct = HDKey.fromMasterSeed(seed).derive("m/44'/18499'/0'/0/0");
    expect(bytesToHex(a.privateKey)).toBe(bytesToHex(direct.privateKey!));
    expect(bytesToHex(a.publicKey)).toBe(bytesToHex(direct.publicKey!));
    expect(a.publicKey).toHaveLength(33);
    expect(a.addressText).toBe(independentAddress(a.privateKey));
    expect(a.path).toBe("m/44'/18499'/0'/0/0");
  });

  it('pins the first keys of the abandon phrase (regression guard: a change here moves users funds)', async () => {
    const seed = await mnemonicToSeed(ABANDON);
    const k00 = deriveKey(seed, 0, 0);
    expect(bytesToHex(k00.privateKey)).toBe('b76be230612f6e5eba4c6a9e8c79a69aeb3662cbff02a8fbdbafb60010ced055');
    expect(k00.addressText).toBe('0xBA046D37298cC337Aa0536557c9f3C5B8F1DB865');
    expect(deriveKey(seed, 0, 1).addressText).toBe('0x0160C61D6aFB27c99C6C227d8758A30594C06a1d');
    expect(deriveKey(seed, 1, 0).addressText).toBe('0xD885493dDef1056862A6d1C7a9F76066ACBC2B41');
  });

  it('chain-cached derivation equals full-path derivation', async () => {
    const seed = await mnemonicToSeed(ABANDON);
    const root = masterKeyFromSeed(seed);
    const chain = accountChain(root, 2);
    for (let i = 0; i < 5; i++) {
      expect(deriveFromChain(chain, 2, i).addressText).toBe(deriveKey(root, 2, i).addressText);
    }
  });

  it('refuses a non-master starting node and bad private keys', async () => {
    const root = masterKeyFromSeed(await mnemonicToSeed(ABANDON));
    expect(() => deriveKey(root.derive("m/0'"), 0, 0)).toThrow(WalletError);
    expect(() => keyInfoFromPrivateKey(new Uint8Array(32))).toThrow(WalletError);
    expect(() => keyInfoFromPrivateKey(new Uint8Array(31).fill(1))).toThrow(WalletError);
  });
});
