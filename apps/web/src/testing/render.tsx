import type { SessionInfo } from '@fixloop/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, type RenderResult, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, vi } from 'vitest';
import { ProjectProvider } from '../auth/project-context';
import { ToastProvider } from '../components/toast';

export const testSession: SessionInfo = {
  principal: { kind: 'admin' },
  projectId: 'acme',
  projects: [
    { id: 'acme', name: 'Acme' },
    { id: 'other', name: 'Other' },
  ],
};

/** Unmounts what each test rendered and restores the globals it stubbed (`fetch`), after every test. */
export function cleanupAfterEach(): void {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });
}

export interface StubResponse {
  status?: number;
  body?: unknown;
}

export interface RecordedCall {
  method: string;
  url: URL;
  body: unknown;
  init: RequestInit | undefined;
}

type Handler = (call: RecordedCall) => StubResponse | Promise<StubResponse>;

/**
 * Replaces `fetch` with `handler` (our own UI's tests only: the API has its own tests) and records
 * every call with its parsed URL and JSON body.
 */
export function stubFetch(handler: Handler): RecordedCall[] {
  const calls: RecordedCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input), 'http://localhost');
      const raw = init?.body;
      const call: RecordedCall = {
        method: init?.method ?? 'GET',
        url,
        body: typeof raw === 'string' ? JSON.parse(raw) : undefined,
        init,
      };
      calls.push(call);
      const { status = 200, body } = await handler(call);
      return new Response(status === 204 || body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return calls;
}

export function apiError(status: number, code: string, message: string, details?: unknown): StubResponse {
  return { status, body: { error: { code, message, details } } };
}

export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, staleTime: Number.POSITIVE_INFINITY },
      mutations: { retry: false },
    },
  });
}

/**
 * Renders `ui` as the app would: query client, toasts, a router at `route` (matched by `path`),
 * and, unless `signedOut`, the selected project of {@link testSession}.
 */
export function renderWithProviders(
  ui: ReactElement,
  options: { route?: string; path?: string; signedOut?: boolean; queryClient?: QueryClient } = {},
): RenderResult & { queryClient: QueryClient } {
  const queryClient = options.queryClient ?? testQueryClient();
  const route = options.route ?? '/';
  const inner = options.signedOut ? ui : <ProjectProvider session={testSession}>{ui}</ProjectProvider>;
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <MemoryRouter initialEntries={[route]}>
          <Routes>
            <Route path={options.path ?? '*'} element={inner} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
