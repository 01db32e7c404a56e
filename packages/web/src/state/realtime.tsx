import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { RealtimeClient, type ConnectionState, type RealtimeMessage, type Topic } from '../lib/realtime';

interface RealtimeCtx {
  client: RealtimeClient;
  state: ConnectionState;
  /** Bumps on every reconnect so data hooks refetch what they may have missed. */
  epoch: number;
  /** Pushes dropped as malformed, and what was wrong with the latest: a connection problem, shown beside its state. */
  malformed: { count: number; reason: string } | null;
}

const Ctx = createContext<RealtimeCtx | null>(null);

export function RealtimeProvider({ client, children }: { client: RealtimeClient; children: ReactNode }) {
  const [state, setState] = useState<ConnectionState>(client.state);
  const [epoch, setEpoch] = useState(0);
  const [malformed, setMalformed] = useState<RealtimeCtx['malformed']>(null);
  useEffect(() => {
    const off = client.onState((s, connects) => {
      setState(s);
      if (s === 'open' && connects > 1) setEpoch((e) => e + 1);
    });
    const offMalformed = client.onMalformed((count, reason) => setMalformed({ count, reason }));
    client.start();
    return () => {
      off();
      offMalformed();
      client.stop();
    };
  }, [client]);
  return <Ctx.Provider value={{ client, state, epoch, malformed }}>{children}</Ctx.Provider>;
}

export function useRealtime(): RealtimeCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useRealtime outside RealtimeProvider');
  return c;
}

/** Calls `handler` for every message on each topic while mounted; resubscribes on reconnect. */
export function useTopics(topics: Topic[], handler: (m: RealtimeMessage) => void): void {
  const { client } = useRealtime();
  const ref = useRef(handler);
  ref.current = handler;
  const key = topics.join('|');
  useEffect(() => {
    if (!key) return;
    const offs = key.split('|').map((t) => client.subscribe(t as Topic, (m) => ref.current(m)));
    return () => offs.forEach((off) => off());
  }, [client, key]);
}
