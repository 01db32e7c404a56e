import { Link } from 'react-router-dom';
import { Card } from '../../components/Card';
import { BlockLink } from '../../components/Links';
import { Loading } from '../../components/Notice';
import { shortHash, timeAgo } from '../../lib/format';
import type { BlockHeader } from '../../lib/types';

export function LatestBlocks({ blocks, loading }: { blocks: BlockHeader[]; loading: boolean }) {
  return (
    <Card title="Latest blocks" actions={<Link to="/explorer" className="text-xs text-sky-300 hover:underline">Explorer →</Link>}>
      {loading ? (
        <Loading />
      ) : (
        <ul className="divide-y divide-slate-800" data-testid="latest-blocks">
          {blocks.map((b) => (
            <li key={b.hash} className="flex items-center justify-between gap-3 py-2 text-sm">
              <div className="min-w-0">
                <BlockLink id={b.height} />
                <div className="truncate font-mono text-xs text-slate-500">{shortHash(b.hash, 12, 8)}</div>
              </div>
              <div className="shrink-0 text-right text-xs text-slate-400">
                <div>{b.txCount} tx</div>
                <div>{timeAgo(b.time)}</div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
