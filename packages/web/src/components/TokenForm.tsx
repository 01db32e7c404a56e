import { useState, type FormEvent } from 'react';
import { useToken } from '../hooks/useToken';
import { Button } from './Button';
import { Card } from './Card';
import { TextField } from './Field';

/** Asks once for the node's control token (API_TOKEN or DATA_DIR/.cookie) and remembers it. */
export function TokenForm({ purpose }: { purpose: string }) {
  const [, setToken] = useToken();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) setToken(value.trim());
  };
  return (
    <Card title="Node control token">
      <form onSubmit={submit} className="space-y-3">
        <p className="text-sm text-slate-300">
          {purpose} needs the node's control token. Open the URL the node printed at start-up in a terminal (it ends in <code>?token=…</code>) or paste the token from <code>DATA_DIR/.cookie</code>. It is kept in this
          browser only.
        </p>
        <TextField label="Token" name="token" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
        <Button type="submit" disabled={!value.trim()}>
          Save token
        </Button>
      </form>
    </Card>
  );
}
