// @vitest-environment jsdom
import type { JobLogLine } from '@fixloop/contracts';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, stubFetch } from '../testing/render';
import { JobLog, MAX_LOG_LINES } from './job-log';

/** Stands in for the browser's EventSource: records what was opened and lets the test send events. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readyState = 1;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>();

  constructor(url: string | URL) {
    this.url = String(url);
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = 2;
  }

  get closed(): boolean {
    return this.readyState === 2;
  }

  emit(type: string, data: unknown): void {
    act(() => {
      for (const listener of this.listeners.get(type) ?? []) {
        listener(new MessageEvent(type, { data: JSON.stringify(data) }));
      }
    });
  }

  fail(): void {
    act(() => this.onerror?.(new Event('error')));
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances.at(-1);
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }
}

let seq = 0;
function line(text: string, overrides: Partial<JobLogLine> = {}): JobLogLine {
  seq++;
  return {
    id: `1700000000000-${seq}`,
    at: '2026-01-20T10:00:00.000Z',
    step: 'agent',
    stream: 'stdout',
    line: text,
    ...overrides,
  };
}

function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: state });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  Reflect.deleteProperty(document, 'visibilityState');
});

describe('JobLog', () => {
  it('follows a running job over the stream: lines appended, step labels, stderr set apart', async () => {
    const fetches = stubFetch(() => ({ status: 500 }));
    renderWithProviders(<JobLog jobId="j1" live />);
    const source = FakeEventSource.latest();
    expect(source.url).toBe('/projects/acme/jobs/j1/logs');
    expect(screen.getByRole('status').textContent).toContain('Following the log live.');

    source.emit('line', line('queued on the local runner', { step: 'queue', stream: 'info' }));
    source.emit('line', line('editing shop/cart.py'));
    source.emit('line', line('warning: no tests found', { stream: 'stderr' }));

    expect(await screen.findByText('warning: no tests found')).toBeTruthy();
    const log = screen.getByRole('log', { name: 'Agent log' });
    expect(log.textContent).toContain('editing shop/cart.py');
    expect([...log.querySelectorAll('.log-step')].map((s) => s.textContent)).toEqual(['queue', 'agent']);
    expect(screen.getByText('warning: no tests found').closest('.log-line')?.className).toContain(
      'log-stderr',
    );
    expect(fetches).toHaveLength(0);
  });

  it('closes the stream on its end event and says the job ended', async () => {
    stubFetch(() => ({ status: 500 }));
    const onEnd = vi.fn();
    renderWithProviders(<JobLog jobId="j1" live onEnd={onEnd} />);
    const source = FakeEventSource.latest();
    source.emit('line', line('pushed fixloop/abc-def'));
    source.emit('end', { status: 'succeeded', prUrl: 'https://github.com/acme/shop/pull/7' });

    expect(source.closed).toBe(true);
    expect(onEnd).toHaveBeenCalledWith({ status: 'succeeded', prUrl: 'https://github.com/acme/shop/pull/7' });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('The job has ended.'));
    expect(screen.getByText('pushed fixloop/abc-def')).toBeTruthy();
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('stops following in a hidden tab and resumes after the last line when it is visible again', async () => {
    stubFetch(() => ({ status: 500 }));
    renderWithProviders(<JobLog jobId="j1" live />);
    const first = FakeEventSource.latest();
    const seen = line('step one');
    first.emit('line', seen);
    await screen.findByText('step one');

    setVisibility('hidden');
    expect(first.closed).toBe(true);
    expect(screen.getByRole('status').textContent).toContain('Paused while this tab is hidden.');
    expect(FakeEventSource.instances).toHaveLength(1);

    setVisibility('visible');
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    expect(second.url).toBe(`/projects/acme/jobs/j1/logs?after=${seen.id}`);
    second.emit('line', line('step two'));
    expect(await screen.findByText('step two')).toBeTruthy();
    expect(screen.getAllByText(/^step (one|two)$/)).toHaveLength(2);
  });

  it('polls the JSON route when the stream keeps failing', async () => {
    const seen = line('before the failure');
    const later = line('after the failure');
    const calls = stubFetch(() => ({ body: { items: [later], nextAfter: later.id, done: true } }));
    const onEnd = vi.fn();
    renderWithProviders(<JobLog jobId="j1" live onEnd={onEnd} />);
    const source = FakeEventSource.latest();
    source.emit('line', seen);
    source.fail();
    source.fail();
    expect(source.closed).toBe(false);
    source.fail();
    expect(source.closed).toBe(true);

    expect(await screen.findByText('after the failure')).toBeTruthy();
    expect(calls[0]?.url.pathname).toBe('/projects/acme/jobs/j1/logs');
    expect(calls[0]?.url.searchParams.get('after')).toBe(seen.id);
    await waitFor(() => expect(onEnd).toHaveBeenCalledTimes(1));
  });

  it("reads a finished job's log from the JSON route, keeping the last lines in the page", async () => {
    const all = Array.from({ length: MAX_LOG_LINES + 500 }, (_, i) => line(`line ${i}`));
    const calls = stubFetch(({ url }) => {
      const after = url.searchParams.get('after');
      const start = after === null ? 0 : all.findIndex((l) => l.id === after) + 1;
      const items = all.slice(start, start + 1_000);
      return { body: { items, nextAfter: items.at(-1)?.id, done: true } };
    });
    renderWithProviders(<JobLog jobId="j9" live={false} />);

    expect(await screen.findByText(`line ${all.length - 1}`)).toBeTruthy();
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(calls).toHaveLength(3);
    expect(document.querySelectorAll('.log-line')).toHaveLength(MAX_LOG_LINES);
    expect(screen.queryByText('line 499')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('500 earlier lines are not shown.');
  });

  it('stops scrolling to new lines while the reader is scrolled up', async () => {
    stubFetch(() => ({ status: 500 }));
    renderWithProviders(<JobLog jobId="j1" live />);
    const source = FakeEventSource.latest();
    source.emit('line', line('first'));
    await screen.findByText('first');
    const log = screen.getByRole('log');
    Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 1_000 });
    Object.defineProperty(log, 'clientHeight', { configurable: true, value: 200 });

    log.scrollTop = 100;
    fireEvent.scroll(log);
    const jump = await screen.findByRole('button', { name: 'Jump to the latest line' });
    source.emit('line', line('second'));
    await screen.findByText('second');
    expect(log.scrollTop).toBe(100);

    await userEvent.click(jump);
    expect(log.scrollTop).toBe(1_000);
    expect(screen.queryByRole('button', { name: 'Jump to the latest line' })).toBeNull();
  });
});
