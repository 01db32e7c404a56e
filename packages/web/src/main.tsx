import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { captureTokenFromUrl } from './lib/token';
import './index.css';

const linked = captureTokenFromUrl();

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App linkedToken={linked.kind === 'differs' ? linked.token : undefined} />
  </StrictMode>,
);
