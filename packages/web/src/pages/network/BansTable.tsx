import { Button } from '../../components/Button';
import { api } from '../../lib/api';
import { shortHash } from '../../lib/format';
import type { BanEntry } from '../../lib/types';
import { visibleText } from '../../lib/visible-text';
import { useToast } from '../../state/toast';

export function BansTable({ bans, canControl, onChange }: { bans: BanEntry[]; canControl: boolean; onChange: () => void }) {
  const toast = useToast();
  const unban = async (b: BanEntry) => {
    try {
      await api('/api/network/unban', { body: { peerId: b.peerId }, auth: true });
      toast.success(`Unbanned ${shortHash(b.peerId, 6, 6)}`);
      onChange();
    } catch (e) {
      toast.error(e, 'Unban failed');
    }
  };
  if (bans.length === 0) return <p className="py-2 text-sm text-slate-500">No active bans.</p>;
  return (
    <ul className="divide-y divide-slate-800 text-sm">
      {bans.map((b) => (
        <li key={b.peerId} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <div className="min-w-0">
            <div className="font-mono text-xs" title={b.peerId}>
              {shortHash(b.peerId, 8, 8)} {b.address && <span className="text-slate-400">({visibleText(b.address)})</span>}
            </div>
            <div className="text-xs text-slate-400">
              {visibleText(b.reason)} · until {new Date(b.until).toLocaleString()}
            </div>
          </div>
          {canControl && (
            <Button variant="secondary" className="text-xs" onClick={() => unban(b)}>
              Unban
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}
