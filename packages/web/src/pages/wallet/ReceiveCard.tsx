import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useToast } from '../../state/toast';

export function ReceiveCard({ address, label }: { address: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const toast = useToast();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(address, { margin: 1, width: 176, color: { dark: '#0f172a', light: '#f8fafc' } }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [address]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address);
      toast.success('Address copied');
    } catch (e) {
      toast.error(e, 'Copy failed');
    }
  };
  return (
    <Card title="Receive">
      <div className="flex flex-col items-center gap-3 text-center">
        {src ? <img src={src} width={176} height={176} alt={`QR code for ${address}`} className="rounded-lg" data-testid="receive-qr" /> : <div className="h-44 w-44 rounded-lg bg-slate-800" />}
        {label && <div className="text-sm font-medium">{label}</div>}
        <code className="font-mono text-xs break-all text-slate-200" data-testid="receive-address">
          {address}
        </code>
        <Button variant="secondary" onClick={copy}>
          Copy address
        </Button>
      </div>
    </Card>
  );
}
