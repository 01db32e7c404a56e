import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import type { Topic } from '../lib/realtime';
import { useRealtime, useTopics } from '../state/realtime';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export interface UseApiOptions {
  /** Refetch (throttled) when a message arrives on any of these topics. */
  refreshOn?: Topic[];
  throttleMs?: number;
  /** Also poll, for routes without real-time events. */
  intervalMs?: number;
}

/**
 * GETs `path` (null = skip), keeps the last good data while refetching, and
 * refetches after a WebSocket reconnect (events may have been missed).
 */
export function useApi<T>(path: string | null, opts: UseApiOptions = {}): ApiState<T> {
  const { epoch } = useRealtime();
  const [state, setState] = useState<{ path: string | null; data?: T; error?: unknown; loading: boolean }>({ path, loading: path !== null });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!path) return;
    const ac = new AbortController();
    setState((s) => (s.path === path ? { ...s, loading: true } : { path, loading: true }));
    api<T>(path, { signal: ac.signal }).then(
      (data) => !ac.signal.aborted && setState({ path, data, loading: false }),
      (error: unknown) => !ac.signal.aborted && setState((s) => ({ path, data: s.path === path ? s.data : undefined, error, loading: false })),
    );
    return () => ac.abort();
  }, [path, epoch, tick]);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const throttleMs = opts.throttleMs ?? 500;
  useTopics(opts.refreshOn ?? [], () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      reload();
    }, throttleMs);
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  useEffect(() => {
    if (!opts.intervalMs || !path) return;
    const id = setInterval(reload, opts.intervalMs);
    return () => clearInterval(id);
  }, [opts.intervalMs, path, reload]);

  const fresh = state.path === path;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, loading: fresh ? state.loading : path !== null, reload };
}
