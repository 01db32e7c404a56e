export const HELP = `hackcoin wallet <command> [options]
hackcoin <chain command> [args] [options]

Keys stay on this machine: the node only ever receives signed transactions.

Commands
  create                       new HD wallet; shows the recovery words once and asks for 3 of them back
  import                       recovery words or a hex private key (from the terminal, --secret-file or stdin)
  list                         wallets and their addresses (--verify checks them against the keys)
  address new                  derive the next receive address [--label TEXT] [--account N]
  balance                      confirmed / pending in / pending out / available [--address A]
                               --verify: check the node's headers from genesis and prove each balance
                               and nonce against them (--confirmations N, default 1 on regtest, 6 elsewhere)
  send <to> <amount>           amount in HCK, e.g. 1.5 [--fee slow|normal|fast|<total base units>] [--from A]
  history                      newest first, pending first [--address A] [--page N] [--limit N]
                               older than 10,000 rows: --before H:I, as printed after "more:"
  export                       encrypted keystore to stdout or --out FILE
                               --unsafe-raw-key [--address A] | --unsafe-mnemonic: plain secrets (password needed)
  contract deploy <file.js>    deploy a contract; init arguments with --args JSON, msg.value with --value HCK
  contract execute <contract> <function>
                               signed call of an exported function [--args JSON] [--value HCK]
                               gas: --gas-limit N (default: the node's estimate + margin), --gas-price N
                               (base units per gas; default from --fee slow|normal|fast); fee = limit × price
  contract call <contract> <function>
                               read-only call, nothing is signed or sent [--args JSON] [--from A]
  contract receipt <txid>      status, gas used, fee, return value and events of a mined contract transaction

Chain commands (bitcoin-cli style)
  generate <n> [address]       regtest: mine n blocks now, to address or the wallet's first (needs --token)
  getblockchaininfo            network, blocks, headers, best block, difficulty, chain work, sync status
  getblockcount                height of the best chain
  getbestblockhash             hash of the best chain's tip
  getblockhash <height>        hash of the main-chain block at a height
  getblock <hash|height>       header fields, size, miner, reward and transactions of a block
  gettransaction <txid>        a pending or mined transaction (bitcoin-cli's getrawtransaction <txid> true)
  getrawmempool                ids of waiting transactions, highest fee rate first [--limit N, at most 100]
  sendrawtransaction <hex>     submit a transaction signed elsewhere, as its hex encoding
  getbalance [address]         confirmed balance of an address, else of the whole wallet, in HCK
  getpeerinfo                  the node's peer-to-peer connections
  getnetworkinfo               this node's peer id, addresses, connections and sync state
  getmininginfo                blocks, difficulty, network hash rate and this node's miner
  getmempoolinfo               waiting transactions, their bytes, and the fee estimate (per byte and per gas)

Options
  --token TOKEN        the node's API token for control routes (env HACKCOIN_TOKEN); by default read from
                       DATA_DIR/.cookie when the node is on this host. A --token is visible to every user in ps
  --wallet NAME        keystore DATA_DIR/wallets/NAME.json (default "default"; env HACKCOIN_WALLET)
  --data-dir DIR       default $DATA_DIR, else ./data/main
  --node URL           node API (default http://127.0.0.1:3001; env HACKCOIN_NODE)
  --network NAME       main, test or regtest: sign only for it (env HACKCOIN_NETWORK); by default the
                       network that --node ran at first use, kept in DATA_DIR/cli-networks.json
  --max-fee HCK        refuse to sign a fee above this (default 0.1; env HACKCOIN_MAX_FEE)
  --json               one JSON document on stdout (amounts as decimal HCK strings)
  --password-file F    read the password from F (first line); or env HACKCOIN_PASSWORD
  --yes, -y            do not ask before sending
  --dry-run            sign but do not broadcast (send, contract deploy/execute)
  --yes-i-saved-it     create: skip the recovery-word check (scripts; env HACKCOIN_YES_I_SAVED_IT=1)
  --words 12|24        create: mnemonic length (default 24)
  --bip39-passphrase   create/import: also use a BIP39 passphrase (prompt or env HACKCOIN_BIP39_PASSPHRASE)
  --addresses N        import: derive N addresses from imported words (default 1)

Exit codes: 0 ok, 1 refused (e.g. insufficient funds, rejected transaction), 2 bad input
(unknown address, bad checksum, bad amount), 3 node unreachable or not a HackCoin node,
4 wrong password or unreadable keystore, 130 cancelled. See docs/cli.md.
`;
