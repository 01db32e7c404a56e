import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../lib/api';
import type { SearchResult } from '../lib/types';
import { detectSearchKind, resolveSearch } from '../lib/search';
import { useToast } from '../state/toast';
import { Button } from './Button';

/** What the node knows by this id (GET /api/search/:id answers 200 either way, so nothing logs a 404). */
function lookup(id: string): Promise<'block' | 'tx' | null> {
  return api<SearchResult>(`/api/search/${id}`).then((r) => r.type);
}

const HINT: Record<string, string> = {
  height: 'Block height',
  address: 'Address',
  hash: 'Block hash or transaction id',
};

/** The explorer's one search box: height, block hash, transaction id or address. */
export function SearchBox({ autoFocus }: { autoFocus?: boolean }) {
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const toast = useToast();
  const kind = detectSearchKind(q).kind;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Read the field itself: a submit right after typing must not see a stale render's value.
    const value = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? q);
    setBusy(true);
    try {
      const kind = new Map<string, Promise<'block' | 'tx' | null>>();
      const known = (id: string) => kind.get(id) ?? kind.set(id, lookup(id)).get(id)!;
      const r = await resolveSearch(value, { block: async (h) => (await known(h)) === 'block', tx: async (id) => (await known(id)) === 'tx' });
      if ('path' in r) {
        navigate(r.path);
        // Clear only what was searched: the user may already be typing the next query.
        setQ((cur) => (cur === value ? '' : cur));
      } else toast.error(new Error(r.error));
    } catch (err) {
      toast.error(err, 'Search failed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form role="search" onSubmit={submit} className="flex w-full min-w-0 gap-2">
      <label htmlFor="explorer-search" className="sr-only">
        Search by block height, block hash, transaction id or address
      </label>
      <div className="relative min-w-0 flex-1">
        <input
          id="explorer-search"
          name="q"
          autoFocus={autoFocus}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Height, hash, tx id or address"
          autoComplete="off"
          spellCheck={false}
          className="w-full min-w-0 rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 font-mono sm:pr-40 text-sm text-slate-100 placeholder:font-sans placeholder:text-slate-500 focus:border-amber-400 focus:outline-none"
        />
        {HINT[kind] && <span className="pointer-events-none absolute top-1/2 right-2 hidden -translate-y-1/2 rounded bg-slate-800 px-1.5 py-0.5 text-[10px] text-slate-300 sm:block">{HINT[kind]}</span>}
      </div>
      <Button type="submit" busy={busy}>
        Search
      </Button>
    </form>
  );
}
