import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { api, ApiError } from '../../lib/api';
import type { Connected } from '../../lib/types';
import { useToken } from '../../hooks/useToken';
import { useToast } from '../../state/toast';

export function ConnectForm({ onConnected }: { onConnected: () => void }) {
  const toast = useToast();
  const [, setToken] = useToken();
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api<Connected>('/api/network/connect', { body: { address: address.trim() }, auth: true });
      toast.success(r.connected ? `Connected to ${r.peer.id}` : `Dialled ${r.peer.id}; handshake pending`);
      setAddress('');
      onConnected();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setToken(null);
      toast.error(err, 'Connect failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Connect to a peer">
      <form onSubmit={submit} className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <TextField label="Peer URL or multiaddr" placeholder="http://host:3001 or /ip4/…/tcp/6001/p2p/…" value={address} onChange={(e) => setAddress(e.target.value)} spellCheck={false} className="font-mono" />
        </div>
        <Button type="submit" busy={busy} disabled={address.trim().length < 3}>
          Connect
        </Button>
      </form>
    </Card>
  );
}
