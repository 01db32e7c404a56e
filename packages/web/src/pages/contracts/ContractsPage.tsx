import { lazy, Suspense, useState } from 'react';
import { Card, PageTitle } from '../../components/Card';
import { SelectField } from '../../components/Field';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { useApi } from '../../hooks/useApi';
import type { SentTx } from './contract-tx';
import { DeployPanel } from './DeployPanel';
import { InteractPanel } from './InteractPanel';
import { ContractRow } from './ContractRow';
import type { ContractList } from '../../lib/types';
import { IdeConsole } from './IdeConsole';
import { useAmountUnit } from './useAmountUnit';
import { appendLog, type LogEntry } from './ide-log';
import { ReceiptList } from './ReceiptList';
import { TEMPLATES, type TemplateContext } from './templates';
import { useNodeInfo } from '../../state/node-info';
import { useWallet } from '../../state/wallet';

const CodeEditor = lazy(() => import('./CodeEditor'));

export default function ContractsPage() {
  const list = useApi<ContractList>('/api/contracts?limit=20', { refreshOn: ['blocks'] });
  const [templateId, setTemplateId] = useState(TEMPLATES[0]!.id);
  const template = TEMPLATES.find((t) => t.id === templateId) ?? TEMPLATES[0]!;
  const [source, setSource] = useState(template.source);
  const [address, setAddress] = useState('');
  const [sent, setSent] = useState<SentTx[]>([]);
  // Defaults follow the chain and wallet as they are when a template is picked, not every new block,
  // so arguments being edited are not reset under the user.
  const { data: node } = useNodeInfo();
  const { wallet, addresses: stored } = useWallet();
  const own = (wallet ? wallet.list().map((a) => a.address) : stored.map((a) => a.address)).join(',');
  const [pickedAt, setPickedAt] = useState<number | null>(null);
  if (pickedAt === null && node) setPickedAt(node.height);
  const ctx: TemplateContext = { height: pickedAt ?? 0, addresses: own ? own.split(',') : [] };
  const initArgs = JSON.stringify(template.initArgs(ctx));
  const [log, setLog] = useState<LogEntry[]>([]);
  const [unit, setUnit] = useAmountUnit();
  const addLog = (e: Omit<LogEntry, 'seq' | 'at'>) => setLog((old) => appendLog(old, e));
  const track = (s: SentTx) => setSent((old) => [s, ...old.filter((o) => o.id !== s.id)].slice(0, 20));
  const pick = (id: string) => {
    const t = TEMPLATES.find((x) => x.id === id);
    if (!t) return;
    setTemplateId(id);
    setSource(t.source);
    if (node) setPickedAt(node.height);
  };
  return (
    <div className="space-y-4">
      <PageTitle sub="Write JavaScript contracts, deploy them signed by your browser wallet, and call their functions.">Contract IDE</PageTitle>
      <div className="flex justify-end">
        <div className="w-60">
          <SelectField label="Amounts in" value={unit} onChange={(e) => setUnit(e.target.value === 'base' ? 'base' : 'HCK')}>
            <option value="HCK">HCK</option>
            <option value="base">base units (10⁻⁸ HCK)</option>
          </SelectField>
        </div>
      </div>
      {list.error !== undefined && <ApiErrorNotice error={list.error} feature="Smart contracts" />}
      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-4">
          <Card
            title="Source"
            actions={
              <div className="w-48">
                <SelectField label="Template" value={templateId} onChange={(e) => pick(e.target.value)}>
                  {TEMPLATES.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </SelectField>
              </div>
            }
          >
            <Suspense fallback={<Loading label="Loading editor…" />}>
              <CodeEditor value={source} onChange={setSource} label="Contract source code" />
            </Suspense>
          </Card>
          <IdeConsole log={log} onClear={() => setLog([])} />
          <ReceiptList sent={sent} unit={unit} />
          {list.data && list.data.total > 0 && (
            <Card title={`Deployed contracts (${list.data.total})`}>
              <ul className="space-y-1 text-xs" data-testid="contract-list">
                {list.data.contracts.map((c) => (
                  <ContractRow key={c.address} contract={c} onOpen={() => setAddress(c.address)} />
                ))}
              </ul>
            </Card>
          )}
        </div>
        <div className="min-w-0 space-y-4">
          <DeployPanel
            source={source}
            initArgs={initArgs}
            initHint={template.hint(ctx)}
            onLog={addLog}
            onDeployed={(a, s) => {
              setAddress(a);
              track(s);
            }}
          />
          <InteractPanel
            source={source}
            address={address}
            deployTx={sent.find((s) => s.label === 'deploy' && s.contract.toLowerCase() === address.trim().toLowerCase())?.id}
            onAddress={setAddress}
            onSent={track}
            onLog={addLog}
            unit={unit}
          />
        </div>
      </div>
    </div>
  );
}
