import type { Cluster, FeedbackItem } from '@fixloop/contracts';
import type { RepositorySnapshot, SearchHit } from '../ports.js';

/** An in-memory `RepositorySnapshot` for planner tests: plain substring-on-word-boundary search. */
export function memorySnapshot(
  files: Record<string, string>,
  commit = 'c0ffee0000000000000000000000000000000000',
) {
  const reads: string[] = [];
  const searches: string[][] = [];
  const snapshot: RepositorySnapshot = {
    commit,
    branch: 'main',
    files: async () => Object.keys(files),
    read: async (path) => {
      reads.push(path);
      return files[path] ?? null;
    },
    search: async (terms, limit) => {
      searches.push(terms);
      const hits: SearchHit[] = [];
      for (const [path, text] of Object.entries(files)) {
        const counts: Record<string, number> = {};
        const lines: SearchHit['lines'] = [];
        for (const term of terms) {
          const source = `(?<![A-Za-z0-9])${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`;
          const n = (text.match(new RegExp(source, 'gi')) ?? []).length;
          if (n === 0) continue;
          counts[term] = n;
          const index = text.split('\n').findIndex((l) => new RegExp(source, 'i').test(l));
          if (lines.length < 3 && index !== -1)
            lines.push({ line: index + 1, text: text.split('\n')[index]?.trim() ?? '' });
        }
        if (Object.keys(counts).length > 0) hits.push({ path, hits: counts, lines });
      }
      const total = (h: SearchHit) => Object.values(h.hits).reduce((a, b) => a + b, 0);
      hits.sort((a, b) => Object.keys(b.hits).length - Object.keys(a.hits).length || total(b) - total(a));
      return hits.slice(0, limit);
    },
  };
  return { snapshot, reads, searches };
}

export function makeCluster(patch: Partial<Cluster> = {}): Cluster {
  return {
    id: 'cl-1',
    projectId: 'proj',
    title: 'Checkout crashes when a coupon is applied',
    summary: '7 reports (5 sentry, 2 github). Distinctive terms: coupon, checkout.',
    status: 'new',
    size: 7,
    countsBySource: { sentry: 5, github: 2 },
    reporters: 6,
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-05T00:00:00.000Z',
    cohesion: 0.6,
    terms: ['coupon', 'checkout', 'total'],
    titleSource: 'auto',
    summarySource: 'offline',
    trend: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-05T00:00:00.000Z',
    ...patch,
  };
}

let counter = 0;
export function makeReport(patch: Partial<FeedbackItem> = {}): FeedbackItem {
  counter++;
  return {
    id: `fb-${counter}`,
    projectId: 'proj',
    source: 'manual',
    title: 'A report',
    body: '',
    createdAt: '2026-01-02T00:00:00.000Z',
    ingestedAt: '2026-01-02T00:00:00.000Z',
    status: 'open',
    metadata: {},
    ...patch,
  };
}

/** A Sentry report whose in-app frames are `frames` (innermost last). */
export function sentryReport(
  frames: Array<{ filename?: string; module?: string; function?: string; lineno?: number }>,
  exception: { type: string; value?: string },
  patch: Partial<FeedbackItem> = {},
): FeedbackItem {
  return makeReport({
    source: 'sentry',
    title: `${exception.type}: ${exception.value ?? ''}`,
    body: `${exception.type}: ${exception.value ?? ''}\n\nStack (in-app frames, innermost last):\n${frames
      .map((f) => `  at ${f.function ?? '?'} (${f.filename ?? f.module}:${f.lineno ?? 0})`)
      .join('\n')}`,
    url: `https://sentry.example/issues/${counter}/`,
    metadata: { sentry: { exception, frames } },
    ...patch,
  });
}

/** The text of a markdown document outside its fenced blocks (fences close on a run at least as long). */
export function outsideFences(markdown: string): string {
  const out: string[] = [];
  let open: string | null = null;
  for (const line of markdown.split('\n')) {
    const run = /^(`{3,})/.exec(line)?.[1];
    if (open === null) {
      if (run) open = run;
      else out.push(line);
    } else if (run && run.length >= open.length && line.trim() === run) {
      open = null;
    }
  }
  return out.join('\n');
}
