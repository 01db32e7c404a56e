import { describe, expect, it } from 'vitest';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { HDKey } from '@scure/bip32';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';
import { WalletError } from './errors.js';
import { generateMnemonic, mnemonicToSeed, normalizeMnemonic, validateMnemonic } from './mnemonic.js';

// Official BIP39 vectors: trezor/python-mnemonic vectors.json ("english"),
// all with passphrase "TREZOR": [entropy, mnemonic, seed, BIP32 root xprv].
const VECTORS: Array<[string, string, string, string]> = [
  [
    '00000000000000000000000000000000',
    'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
    'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
    'xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF',
  ],
  [
    '7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f',
    'legal winner thank year wave sausage worth useful legal winner thank yellow',
    '2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607',
    'xprv9s21ZrQH143K2gA81bYFHqU68xz1cX2APaSq5tt6MFSLeXnCKV1RVUJt9FWNTbrrryem4ZckN8k4Ls1H6nwdvDTvnV7zEXs2HgPezuVccsq',
  ],
  [
    'ffffffffffffffffffffffffffffffff',
    'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong',
    'ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069',
    'xprv9s21ZrQH143K2V4oox4M8Zmhi2Fjx5XK4Lf7GKRvPSgydU3mjZuKGCTg7UPiBUD7ydVPvSLtg9hjp7MQTYsW67rZHAXeccqYqrsx8LcXnyd',
  ],
  [
    '0000000000000000000000000000000000000000000000000000000000000000',
    'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art',
    'bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8',
    'xprv9s21ZrQH143K32qBagUJAMU2LsHg3ka7jqMcV98Y7gVeVyNStwYS3U7yVVoDZ4btbRNf4h6ibWpY22iRmXq35qgLs79f312g2kj5539ebPM',
  ],
  [
    '68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c',
    'hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length',
    '64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440',
    'xprv9s21ZrQH143K2XTAhys3pMNcGn261Fi5Ta2Pw8PwaVPhg3D8DWkzWQwjTJfskj8ofb81i9NP2cUNKxwjueJHHMQAnxtivTA75uUFqPFeWzk',
  ],
  [
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    'zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote',
    'dd48c104698c30cfe2b6142103248622fb7bb0ff692eebb00089b32d22484e1613912f0a5b694407be899ffd31ed3992c456cdf60f5d4564b8ba3f05a69890ad',
    'xprv9s21ZrQH143K2WFF16X85T2QCpndrGwx6GueB72Zf3AHwHJaknRXNF37ZmDrtHrrLSHvbuRejXcnYxoZKvRquTPyp2JiNG3XcjQyzSEgqCB',
  ],
];

describe('BIP39 official vectors (passphrase TREZOR)', () => {
  for (const [entropy, mnemonic, seed, xprv] of VECTORS) {
    it(`${mnemonic.split(' ').length} words: ${mnemonic.slice(0, 24)}...`, async () => {
      expect(entropyToMnemonic(hexToBytes(entropy), wordlist)).toBe(mnemonic);
      expect(validateMnemonic(mnemonic)).toBe(true);
      const derived = await mnemonicToSeed(mnemonic, 'TREZOR');
      expect(bytesToHex(derived)).toBe(seed);
      expect(HDKey.fromMasterSeed(derived).privateExtendedKey).toBe(xprv);
    });
  }
});

describe('mnemonic helpers', () => {
  it('generates valid 12- and 24-word phrases, 24 by default', () => {
    expect(generateMnemonic(12).split(' ')).toHaveLength(12);
    const m = generateMnemonic();
    expect(m.split(' ')).toHaveLength(24);
    expect(validateMnemonic(m)).toBe(true);
    expect(generateMnemonic()).not.toBe(m);
  });

  it('rejects other word counts', () => {
    expect(() => generateMnemonic(18 as 12)).toThrow(WalletError);
  });

  it('rejects a bad checksum or an unknown word', async () => {
    const badChecksum = Array(12).fill('abandon').join(' ');
    expect(validateMnemonic(badChecksum)).toBe(false);
    expect(validateMnemonic('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon bitcoinz')).toBe(false);
    await expect(mnemonicToSeed(badChecksum)).rejects.toThrow(WalletError);
  });

  it('normalises case and whitespace so a retyped phrase opens the same wallet', async () => {
    const [, mnemonic, seed] = VECTORS[0]!;
    const messy = `  ${mnemonic.toUpperCase().replace(/ /g, '  \n')} `;
    expect(normalizeMnemonic(messy)).toBe(mnemonic);
    expect(validateMnemonic(messy)).toBe(true);
    expect(bytesToHex(await mnemonicToSeed(messy, 'TREZOR'))).toBe(seed);
  });

  it('the passphrase changes the seed', async () => {
    const [, mnemonic, seed] = VECTORS[0]!;
    expect(bytesToHex(await mnemonicToSeed(mnemonic, ''))).not.toBe(seed);
  });
});
