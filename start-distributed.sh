#!/usr/bin/env bash
# Starts one HackCoin node that joins a network, as in the seed:
#   ./start-distributed.sh --port 3002 --bootstrap http://localhost:3001 --miner 0x…
# Options: --port N (HTTP API; P2P listens on N+3000), --p2p-port N, --bootstrap LIST
# (comma-separated http://host:port or /ip4/…/p2p/… multiaddrs), --miner 0xADDRESS,
# --network main|test|regtest (default regtest), --data-dir DIR, --host IP.
set -euo pipefail
cd "$(dirname "$0")"

PORT=3001; NETWORK=regtest; BOOTSTRAP=""; MINER=""; DATA_DIR=""; HOST=127.0.0.1; P2P_PORT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --p2p-port) P2P_PORT="$2"; shift 2 ;;
    --bootstrap) BOOTSTRAP="$2"; shift 2 ;;
    --miner) MINER="$2"; shift 2 ;;
    --network) NETWORK="$2"; shift 2 ;;
    --data-dir) DATA_DIR="$2"; shift 2 ;;
    --host) HOST="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

export PORT NETWORK HOST
export DATA_DIR="${DATA_DIR:-data/node-$PORT}"
[[ -n "$BOOTSTRAP" ]] && export BOOTSTRAP_NODES="$BOOTSTRAP"
[[ -n "$MINER" ]] && export MINING_ADDRESS="$MINER"
[[ -n "$P2P_PORT" ]] && export P2P_PORT
# Compiled once for all the nodes started from this checkout (only when sources changed; see scripts/build.mjs).
node scripts/build.mjs --if-stale
exec node --max-semi-space-size=32 --interrupt-budget=32768 packages/node/dist/main.js
