import type { SyncState } from '../../lib/types';

const TONE = { synced: 'bg-emerald-500', syncing: 'bg-sky-500', stalled: 'bg-rose-500' } as const;

export function SyncBar({ sync }: { sync: SyncState }) {
  const pct = Math.round(sync.progress * 100);
  return (
    <div>
      <div className="mb-1 flex flex-wrap justify-between gap-2 text-sm">
        <span className="font-semibold capitalize" data-testid="sync-state">
          {sync.state}
        </span>
        <span className="text-slate-400 tabular-nums">
          {sync.height} / {sync.targetHeight} · {pct}%
        </span>
      </div>
      <div className="h-2 overflow-hidden rounded bg-slate-800" role="progressbar" aria-label="Sync progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className={`h-full ${TONE[sync.state] ?? 'bg-slate-500'}`} style={{ width: `${pct}%` }} />
      </div>
      {sync.peer && <p className="mt-1 text-xs text-slate-400">downloading from {sync.peer.slice(-12)}</p>}
    </div>
  );
}
