import { Suspense, useEffect, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useRealtime } from '../state/realtime';
import { useNodeInfo } from '../state/node-info';
import { Loading } from './Notice';
import { RouteErrorBoundary } from './RouteErrorBoundary';

const NAV = [
  ['/', 'Dashboard'],
  ['/wallet', 'Wallet'],
  ['/mining', 'Mining'],
  ['/explorer', 'Explorer'],
  ['/network', 'Network'],
  ['/contracts', 'Contracts'],
] as const;

/** The socket's state, and how many pushes the node sent that did not match core's schemas (dropped, never shown). */
function ConnectionBadge() {
  const { state, malformed } = useRealtime();
  const { data } = useNodeInfo();
  const dot = state === 'open' ? 'bg-emerald-400' : state === 'connecting' ? 'bg-amber-400 animate-pulse' : 'bg-rose-500';
  const text = state === 'open' ? 'Live' : state === 'connecting' ? 'Connecting' : 'Offline';
  return (
    <div className="flex items-center gap-3 text-xs text-slate-300">
      {data && (
        <span className="hidden rounded bg-slate-800 px-2 py-0.5 font-mono sm:inline" title="Network and chain height">
          {data.network} · #{data.height}
        </span>
      )}
      <span className="flex items-center gap-1.5" role="status" aria-label={`Real-time connection: ${text}`} data-testid="connection">
        <span className={`h-2 w-2 rounded-full ${dot}`} aria-hidden />
        {text}
      </span>
      {malformed && (
        <span className="rounded bg-rose-950/60 px-2 py-0.5 text-rose-200" role="status" data-testid="connection-malformed" title={`Latest: ${malformed.reason}`}>
          {malformed.count} malformed push{malformed.count === 1 ? '' : 'es'} dropped
        </span>
      )}
    </div>
  );
}

function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** Said once, above every page, while the node cannot be reached; pages keep their last data meanwhile. */
function OfflineBanner({ nodeLost, browserOnline }: { nodeLost: boolean; browserOnline: boolean }) {
  if (!nodeLost && browserOnline) return null;
  return (
    <div role="status" data-testid="offline-banner" className="border-b border-amber-700/60 bg-amber-950/60 px-4 py-2 text-center text-sm text-amber-100">
      {browserOnline ? 'The node is not answering. Pages show the last data they had; reconnecting…' : 'This browser is offline. Pages show the last data they had.'}
    </div>
  );
}

/** A title per page, so tabs and history entries say where they lead. */
function titleFor(pathname: string): string {
  const [, a, b, c] = pathname.split('/');
  const short = (s = '') => (s.length > 16 ? `${s.slice(0, 10)}…` : s);
  if (a === 'explorer' && b === 'block') return `Block ${/^\d+$/.test(c ?? '') ? `#${c}` : short(c)}`;
  if (a === 'explorer' && b === 'tx') return `Transaction ${short(c)}`;
  if (a === 'explorer' && b === 'address') return `Address ${short(c)}`;
  if (a === 'explorer' && b === 'mempool') return 'Mempool';
  const top = NAV.find(([to]) => to === `/${a ?? ''}`);
  return top ? top[1] : 'Not found';
}

export function Layout({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = `${titleFor(pathname)} · HackCoin`;
  }, [pathname]);
  const { state, client } = useRealtime();
  const browserOnline = useBrowserOnline();
  // Lost means it had been connected: the first connection attempt is not an outage.
  const nodeLost = state !== 'open' && client.connects > 0;
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-amber-500 focus:px-3 focus:py-1 focus:text-slate-950">
        Skip to content
      </a>
      <header className="sticky top-0 z-40 border-b border-slate-800 bg-slate-950/90 backdrop-blur">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2">
          <NavLink to="/" className="flex items-center gap-2 font-bold text-amber-400">
            <span className="flex h-7 w-7 items-center justify-center rounded-full bg-amber-500 text-sm text-slate-950" aria-hidden>
              H
            </span>
            HackCoin
          </NavLink>
          <div className="ml-auto md:order-last">
            <ConnectionBadge />
          </div>
          <nav aria-label="Main" className="w-full md:w-auto md:flex-1">
            <ul className="grid grid-cols-3 gap-1 text-center whitespace-nowrap md:flex md:text-left">
              {NAV.map(([to, label]) => (
                <li key={to}>
                  <NavLink
                    to={to}
                    end={to === '/'}
                    className={({ isActive }) =>
                      `block rounded-md px-3 py-1.5 text-sm font-medium ${isActive ? 'bg-slate-800 text-amber-300' : 'text-slate-300 hover:bg-slate-900 hover:text-white'}`
                    }
                  >
                    {label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <OfflineBanner nodeLost={nodeLost} browserOnline={browserOnline} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        <RouteErrorBoundary resetKey={pathname} online={state === 'open' && browserOnline}>
          <Suspense fallback={<Loading />}>{children}</Suspense>
        </RouteErrorBoundary>
      </main>
    </div>
  );
}
