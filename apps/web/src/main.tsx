import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { ToastProvider } from './components/toast';
import { createQueryClient } from './query-client';
import './styles/base.css';
import './styles/layout.css';
import './styles/data.css';
import './styles/pages.css';
import './styles/feedback.css';
import './styles/sources.css';
import './styles/agents.css';
import './styles/narrow.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// The router's basename is the build's base path (`/app/`) without its trailing slash.
const basename = import.meta.env.BASE_URL.replace(/\/$/, '');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <BrowserRouter basename={basename}>
          <App />
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
