import { Button } from './Button';

/** Pages run newest first unless `order` names them (a block's transactions run in block order). */
export function Pager({ page, hasNext, onPage, label = 'Pages', order = ['Newer', 'Older'] }: { page: number; hasNext: boolean; onPage: (p: number) => void; label?: string; order?: [string, string] }) {
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-between gap-2 text-sm">
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← {order[0]}
      </Button>
      <span className="text-slate-400">Page {page}</span>
      <Button variant="secondary" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        {order[1]} →
      </Button>
    </nav>
  );
}
