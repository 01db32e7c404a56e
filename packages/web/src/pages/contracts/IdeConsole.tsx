import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { visibleText } from '../../lib/visible-text';
import type { LogEntry } from './ide-log';

const time = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour12: false });

/** Every call, estimate, send and deploy of this page, oldest first, scrolled to the latest (Remix's terminal); lines carry contract text, so through visibleText. */
export function IdeConsole({ log, onClear }: { log: LogEntry[]; onClear: () => void }) {
  const list = useRef<HTMLOListElement>(null);
  // The console scrolls itself to the latest line; the page stays where the user is.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [log]);
  return (
    <Card
      title="Console"
      actions={
        log.length > 0 && (
          <button type="button" onClick={onClear} className="text-xs text-slate-400 underline hover:text-slate-200">
            Clear
          </button>
        )
      }
    >
      {log.length === 0 ? (
        <p className="text-xs text-slate-500">Calls, estimates, transactions and deploys are logged here.</p>
      ) : (
        <ol ref={list} className="max-h-72 space-y-1 overflow-y-auto font-mono text-xs" data-testid="ide-console" aria-live="polite">
          {log.map((e) => (
            <li key={e.seq} data-kind={e.kind} data-ok={e.ok} className="rounded bg-slate-950/60 px-2 py-1 break-all">
              <span className="text-slate-500">{time(e.at)}</span> <span className={e.ok ? 'text-emerald-300' : 'text-rose-300'}>[{e.kind}]</span> <span className="text-slate-400">{visibleText(e.target)}</span>{' '}
              <span className="text-slate-100">{visibleText(e.text)}</span>
              {e.txId && (
                <span className="block">
                  tx{' '}
                  <Link to={`/explorer/tx/${e.txId}`} className="text-sky-300 underline" data-testid="console-txid">
                    {e.txId}
                  </Link>
                  <CopyButton text={e.txId} label="Copy transaction id" />
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
