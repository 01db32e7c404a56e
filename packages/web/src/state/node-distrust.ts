import { useSyncExternalStore } from 'react';
import { nodeDistrust, subscribeDistrust, type Distrust } from '../lib/node-distrust';

/** Non-null once this page stopped believing the node's own figures (see lib/node-distrust). */
export function useNodeDistrust(): Distrust {
  return useSyncExternalStore(subscribeDistrust, nodeDistrust);
}
