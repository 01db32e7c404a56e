import { lazy, Suspense, useState } from 'react';
import { Card, PageTitle } from '../../components/Card';
import { SelectField } from '../../components/Field';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { useApi } from '../../hooks/useApi';
import { DeployPanel } from './DeployPanel';
import { InteractPanel } from './InteractPanel';
import { TEMPLATES } from './templates';

const CodeEditor = lazy(() => import('./CodeEditor'));

export default function ContractsPage() {
  const list = useApi<unknown>('/api/contracts?limit=20');
  const [templateId, setTemplateId] = useState(TEMPLATES[0]!.id);
  const template = TEMPLATES.find((t) => t.id === templateId) ?? TEMPLATES[0]!;
  const [source, setSource] = useState(template.source);
  const [address, setAddress] = useState('');
  const pick = (id: string) => {
    const t = TEMPLATES.find((x) => x.id === id);
    if (!t) return;
    setTemplateId(id);
    setSource(t.source);
  };
  return (
    <div className="space-y-4">
      <PageTitle sub="Write JavaScript contracts, deploy them signed by your browser wallet, and call their functions.">Contract IDE</PageTitle>
      {list.error !== undefined && <ApiErrorNotice error={list.error} feature="Smart contracts" />}
      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card title="Source" actions={
          <div className="w-48">
            <SelectField label="Template" value={templateId} onChange={(e) => pick(e.target.value)}>
              {TEMPLATES.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </SelectField>
          </div>
        }>
          <Suspense fallback={<Loading label="Loading editor…" />}>
            <CodeEditor value={source} onChange={setSource} label="Contract source code" />
          </Suspense>
        </Card>
        <div className="min-w-0 space-y-4">
          <DeployPanel source={source} initArgs={template.initArgs} onDeployed={setAddress} />
          <InteractPanel source={source} address={address} onAddress={setAddress} />
        </div>
      </div>
    </div>
  );
}
