import { useMemo, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { Layout } from './components/Layout';
import { LinkedTokenPrompt } from './components/LinkedTokenPrompt';
import { Notice } from './components/Notice';
import { lazyRoute } from './lib/lazy-route';
import { RealtimeClient, defaultSocketUrl } from './lib/realtime';
import { NodeInfoProvider } from './state/node-info';
import { RealtimeProvider } from './state/realtime';
import { ToastProvider } from './state/toast';
import { WalletProvider } from './state/wallet';
import Dashboard from './pages/dashboard/DashboardPage';

// Every other page is its own chunk: the first load only fetches the shell and the dashboard.
// A chunk that fails to load (node restarted) is retried, then the tab reloads once the node is back.
const WalletPage = lazyRoute(() => import('./pages/wallet/WalletPage'));
const MiningPage = lazyRoute(() => import('./pages/mining/MiningPage'));
const ExplorerHome = lazyRoute(() => import('./pages/explorer/ExplorerHome'));
const BlockPage = lazyRoute(() => import('./pages/explorer/BlockPage'));
const TxPage = lazyRoute(() => import('./pages/explorer/TxPage'));
const AddressPage = lazyRoute(() => import('./pages/explorer/AddressPage'));
const MempoolPage = lazyRoute(() => import('./pages/explorer/MempoolPage'));
const NetworkPage = lazyRoute(() => import('./pages/network/NetworkPage'));
const ContractsPage = lazyRoute(() => import('./pages/contracts/ContractsPage'));

function NotFound() {
  return <Notice tone="warn" title="Page not found">There is nothing at this address. Use the navigation above.</Notice>;
}

/** `linkedToken`: a token the opening link carried that differs from the saved one, awaiting the user's choice. */
export function App({ linkedToken }: { linkedToken?: string }) {
  const client = useMemo(() => new RealtimeClient(defaultSocketUrl()), []);
  const [pendingToken, setPendingToken] = useState(linkedToken);
  return (
    <ToastProvider>
      <RealtimeProvider client={client}>
        <NodeInfoProvider>
          <WalletProvider>
            <BrowserRouter>
              <Layout>
                {pendingToken !== undefined && <LinkedTokenPrompt token={pendingToken} onDone={() => setPendingToken(undefined)} />}
                <Routes>
                  <Route path="/" element={<Dashboard />} />
                  <Route path="/wallet" element={<WalletPage />} />
                  <Route path="/mining" element={<MiningPage />} />
                  <Route path="/explorer" element={<ExplorerHome />} />
                  <Route path="/explorer/mempool" element={<MempoolPage />} />
                  <Route path="/explorer/block/:id" element={<BlockPage />} />
                  <Route path="/explorer/tx/:id" element={<TxPage />} />
                  <Route path="/explorer/address/:address" element={<AddressPage />} />
                  <Route path="/network" element={<NetworkPage />} />
                  <Route path="/contracts" element={<ContractsPage />} />
                  <Route path="*" element={<NotFound />} />
                </Routes>
              </Layout>
            </BrowserRouter>
          </WalletProvider>
        </NodeInfoProvider>
      </RealtimeProvider>
    </ToastProvider>
  );
}
