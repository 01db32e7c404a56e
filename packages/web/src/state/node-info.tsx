import { createContext, useContext, type ReactNode } from 'react';
import { useApi, type ApiState } from '../hooks/useApi';
import type { NodeInfo } from '../lib/types';

const Ctx = createContext<ApiState<NodeInfo> | null>(null);

/** The node's summary, shared by the header and every page; refreshed on blocks and mempool activity. */
export function NodeInfoProvider({ children }: { children: ReactNode }) {
  const info = useApi<NodeInfo>('/api/node/info', { refreshOn: ['blocks', 'mempool'], throttleMs: 300, intervalMs: 15_000 });
  return <Ctx.Provider value={info}>{children}</Ctx.Provider>;
}

export function useNodeInfo(): ApiState<NodeInfo> {
  const c = useContext(Ctx);
  if (!c) throw new Error('useNodeInfo outside NodeInfoProvider');
  return c;
}
