import { Button } from './Button';

export function Pager({ page, hasNext, onPage, label = 'Pages' }: { page: number; hasNext: boolean; onPage: (p: number) => void; label?: string }) {
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-between gap-2 text-sm">
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ← Newer
      </Button>
      <span className="text-slate-400">Page {page}</span>
      <Button variant="secondary" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        Older →
      </Button>
    </nav>
  );
}
