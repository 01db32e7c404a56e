import { useCallback, useEffect, useState } from 'react';
import { getToken, setToken } from '../lib/token';

const EVENT = 'hackcoin-token';

/** The node control token, shared by every page that needs it (stored in localStorage). */
export function useToken(): [string | null, (t: string | null) => void] {
  const [token, set] = useState<string | null>(() => getToken());
  useEffect(() => {
    const sync = () => set(getToken());
    window.addEventListener(EVENT, sync);
    window.addEventListener('storage', sync);
    return () => {
      window.removeEventListener(EVENT, sync);
      window.removeEventListener('storage', sync);
    };
  }, []);
  const update = useCallback((t: string | null) => {
    setToken(t);
    window.dispatchEvent(new Event(EVENT));
  }, []);
  return [token, update];
}
