import { beforeEach, describe, expect, it } from 'vitest';
import { NETWORKS, genesisBlock, headerId } from '@hackcoin/core';
import { nodeInfo } from '../test/api-fixtures';
import { NetworkChanged, NodeInfoRejected, claimedNetwork, pinNetwork, pinnedNetwork, resetNetworkPin, signingParams } from './network-pin';

const honest = (network: 'main' | 'regtest') => nodeInfo({ network, chainId: NETWORKS[network].chainId, genesis: headerId(genesisBlock(NETWORKS[network]).header) });

describe('the node info a wallet takes its network from', () => {
  it('names the network when it matches core’s schema, the chain id and the genesis', () => {
    expect(claimedNetwork(honest('main'))).toBe('main');
    expect(claimedNetwork(honest('regtest'))).toBe('regtest');
  });

  it('is rejected when it fails the schema', () => {
    expect(() => claimedNetwork({ ...honest('main'), network: 'evilnet' })).toThrow(NodeInfoRejected);
    expect(() => claimedNetwork({ ...honest('main'), network: 'evilnet' })).toThrow(/malformed: network/);
    expect(() => claimedNetwork({ network: 'regtest', height: 900_000 })).toThrow(/malformed/);
    expect(() => claimedNetwork('regtest')).toThrow(/malformed: body/);
  });

  it('is rejected when the chain id or genesis belong to another network', () => {
    expect(() => claimedNetwork({ ...honest('main'), network: 'regtest' })).toThrow(`node info names network regtest with chain id ${NETWORKS.main.chainId}, not ${NETWORKS.regtest.chainId}`);
    expect(() => claimedNetwork({ ...honest('regtest'), genesis: honest('main').genesis })).toThrow(/another genesis block/);
  });
});

describe('the network pin', () => {
  beforeEach(() => localStorage.clear());

  it('is set by the first use and refuses a changed network, naming both', () => {
    expect(pinnedNetwork()).toBeNull();
    expect(pinNetwork('main')).toBe('main');
    expect(pinnedNetwork()).toBe('main');
    expect(pinNetwork('main')).toBe('main');
    expect(() => pinNetwork('regtest')).toThrow(NetworkChanged);
    expect(() => pinNetwork('regtest')).toThrow('this node now claims network regtest; this wallet was set up for main');
    expect(pinnedNetwork()).toBe('main');
  });

  it('refuses to sign for another network’s chain id, and signs for the pinned one', () => {
    pinNetwork('main');
    expect(() => signingParams('regtest')).toThrow(NetworkChanged);
    expect(signingParams('main').chainId).toBe(NETWORKS.main.chainId);
  });

  it('moves to the node’s network only after an explicit reset', () => {
    pinNetwork('main');
    resetNetworkPin();
    expect(pinNetwork('regtest')).toBe('regtest');
    expect(() => pinNetwork('main')).toThrow('this node now claims network main; this wallet was set up for regtest');
  });

  it('ignores a stored value that names no network (it pins afresh)', () => {
    localStorage.setItem('hackcoin:wallet-network', 'evilnet');
    expect(pinnedNetwork()).toBeNull();
    expect(pinNetwork('test')).toBe('test');
  });
});
