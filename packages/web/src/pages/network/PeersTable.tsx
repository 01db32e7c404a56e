import { useState } from 'react';
import { Button } from '../../components/Button';
import { api } from '../../lib/api';
import { formatBytes, shortHash } from '../../lib/format';
import type { PeerSummary } from '../../lib/types';
import { visibleText } from '../../lib/visible-text';
import { useToast } from '../../state/toast';

/** A peer's agent string is whatever it sent in its handshake: shown through visibleText. */
export function PeersTable({ peers, canControl, onChange }: { peers: PeerSummary[]; canControl: boolean; onChange: () => void }) {
  const toast = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (p: PeerSummary, ban: boolean) => {
    setBusy(p.id);
    try {
      await api('/api/network/disconnect', { body: { peerId: p.id, ...(ban ? { ban: true } : {}) }, auth: true });
      toast.success(`${ban ? 'Banned' : 'Disconnected'} ${shortHash(p.id, 6, 6)}`);
      onChange();
    } catch (e) {
      toast.error(e, ban ? 'Ban failed' : 'Disconnect failed');
    } finally {
      setBusy(null);
    }
  };
  if (peers.length === 0) return <p className="py-4 text-sm text-slate-500">No peers connected.</p>;
  const actions = (p: PeerSummary) =>
    canControl && (
      <span className="flex gap-1">
        <Button variant="secondary" className="text-xs" busy={busy === p.id} onClick={() => act(p, false)} aria-label={`Disconnect peer ${p.id}`}>
          Disconnect
        </Button>
        <Button variant="danger" className="text-xs" disabled={busy === p.id} onClick={() => act(p, true)} aria-label={`Ban peer ${p.id}`}>
          Ban
        </Button>
      </span>
    );
  return (
    <>
      {/* Phones: one card per peer instead of a table to scroll sideways. */}
      <ul className="space-y-3 sm:hidden" aria-label="Peers">
        {peers.map((p) => (
          <li key={p.id} className="rounded-lg border border-slate-800 p-3 text-sm" data-peer-id={p.id}>
            <div className="font-mono text-xs break-all text-slate-200">{p.id}</div>
            <div className="mt-1 font-mono text-xs break-all text-slate-400">{visibleText(p.address)}</div>
            <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
              <dt className="text-slate-400">Direction</dt>
              <dd>{p.direction}</dd>
              <dt className="text-slate-400">Latency</dt>
              <dd className="tabular-nums">{p.latencyMs === null ? '—' : `${Math.round(p.latencyMs)} ms`}</dd>
              <dt className="text-slate-400">Height</dt>
              <dd className="tabular-nums">{p.bestHeight ?? '—'}</dd>
              <dt className="text-slate-400">Agent</dt>
              <dd className="break-all">{p.agent === null ? '—' : visibleText(p.agent)}</dd>
              <dt className="text-slate-400">In / out</dt>
              <dd>
                {formatBytes(p.bytesIn)} / {formatBytes(p.bytesOut)}
              </dd>
              <dt className="text-slate-400">Ban score</dt>
              <dd className={`tabular-nums ${p.banScore > 50 ? 'text-rose-300' : ''}`}>{p.banScore}</dd>
            </dl>
            {canControl && <div className="mt-2">{actions(p)}</div>}
          </li>
        ))}
      </ul>
      <div className="table-wrap hidden sm:block">
        <table className="w-full min-w-[52rem] text-left text-sm" data-testid="peers-table">
          <thead className="text-xs text-slate-400 uppercase">
            <tr className="border-b border-slate-800">
              {['Peer', 'Address', 'Dir', 'Latency', 'Height', 'Agent', 'In / Out', 'Ban score', ''].map((h) => (
                <th key={h} scope="col" className="py-2 pr-3 font-medium">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800/70">
            {peers.map((p) => (
              <tr key={p.id} data-peer-id={p.id} data-testid="peer-row">
                <td className="py-2 pr-3 font-mono text-xs" title={p.id}>
                  {shortHash(p.id, 6, 6)}
                </td>
                <td className="max-w-56 truncate py-2 pr-3 font-mono text-xs" title={visibleText(p.address)}>
                  {visibleText(p.address)}
                </td>
                <td className="py-2 pr-3 text-xs">{p.direction === 'outbound' ? 'out' : 'in'}</td>
                <td className="py-2 pr-3 tabular-nums">{p.latencyMs === null ? '—' : `${Math.round(p.latencyMs)} ms`}</td>
                <td className="py-2 pr-3 tabular-nums">{p.bestHeight ?? '—'}</td>
                <td className="max-w-40 truncate py-2 pr-3 text-xs" title={p.agent === null ? '' : visibleText(p.agent)}>
                  {p.agent === null ? '—' : visibleText(p.agent)}
                </td>
                <td className="py-2 pr-3 text-xs whitespace-nowrap">
                  {formatBytes(p.bytesIn)} / {formatBytes(p.bytesOut)}
                </td>
                <td className={`py-2 pr-3 tabular-nums ${p.banScore > 50 ? 'text-rose-300' : ''}`}>{p.banScore}</td>
                <td className="py-2 whitespace-nowrap">
                  {actions(p)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
