import type { FeedbackItem } from '@fixloop/contracts';
import { stripUnsafe } from '../../text/untrusted.js';
import { type Identifier, salientIdentifiers } from './identifiers.js';
import { type Phrase, recurringPhrases } from './phrases.js';

/** One in-app stack frame of a Sentry report (`metadata.sentry.frames`). */
export interface ReportFrame {
  filename?: string;
  module?: string;
  function?: string;
  lineno?: number;
}

/** A code location that recurs across the reports' stack traces. */
export interface FrameGroup {
  filename?: string;
  module?: string;
  function?: string;
  /** Line numbers seen, most frequent first. */
  lines: number[];
  /** Ids of the reports whose trace contains it. */
  reportIds: Set<string>;
  /** Its smallest distance from the innermost frame (0: where the error was raised). */
  depth: number;
}

export interface ExceptionGroup {
  type: string;
  /** The most common message (untrusted: it can carry user input). */
  value?: string;
  reports: number;
}

/** What the reports say, before the repository is read. */
export interface ReportEvidence {
  total: number;
  frames: FrameGroup[];
  exceptions: ExceptionGroup[];
  identifiers: Identifier[];
  phrases: Phrase[];
}

const MAX_FRAMES_PER_REPORT = 30;

function sentryOf(item: FeedbackItem): Record<string, unknown> | null {
  const sentry = item.metadata.sentry;
  return typeof sentry === 'object' && sentry !== null ? (sentry as Record<string, unknown>) : null;
}

const str = (v: unknown, max: number) =>
  typeof v === 'string' && v.trim() !== '' ? v.slice(0, max) : undefined;

/** A report's in-app frames, innermost last; malformed entries (metadata is client input) are skipped. */
export function sentryFrames(item: FeedbackItem): ReportFrame[] {
  const frames = sentryOf(item)?.frames;
  if (!Array.isArray(frames)) return [];
  const out: ReportFrame[] = [];
  for (const f of frames.slice(-MAX_FRAMES_PER_REPORT)) {
    if (typeof f !== 'object' || f === null) continue;
    const r = f as Record<string, unknown>;
    const frame: ReportFrame = {};
    const filename = str(r.filename, 500);
    const module = str(r.module, 300);
    const fn = str(r.function, 200);
    if (filename) frame.filename = filename;
    if (module) frame.module = module;
    if (fn) frame.function = fn;
    if (typeof r.lineno === 'number' && Number.isInteger(r.lineno) && r.lineno > 0) frame.lineno = r.lineno;
    if (frame.filename || frame.module) out.push(frame);
  }
  return out;
}

/** A report's exception, when Sentry recorded one. */
export function sentryException(item: FeedbackItem): { type?: string; value?: string } | null {
  const exception = sentryOf(item)?.exception;
  if (typeof exception !== 'object' || exception === null) return null;
  const e = exception as Record<string, unknown>;
  const type = str(e.type, 200);
  const value = str(e.value, 500);
  if (!type && !value) return null;
  return { ...(type ? { type } : {}), ...(value ? { value } : {}) };
}

function groupFrames(reports: readonly FeedbackItem[]): FrameGroup[] {
  const groups = new Map<string, FrameGroup & { lineCounts: Map<number, number> }>();
  for (const item of reports) {
    const frames = sentryFrames(item);
    frames.forEach((frame, i) => {
      const key = `${frame.filename ?? ''}|${frame.module ?? ''}|${frame.function ?? ''}`;
      const { lineno: _line, ...where } = frame;
      const group = groups.get(key) ?? {
        ...where,
        lines: [],
        lineCounts: new Map<number, number>(),
        reportIds: new Set<string>(),
        depth: Number.POSITIVE_INFINITY,
      };
      group.reportIds.add(item.id);
      group.depth = Math.min(group.depth, frames.length - 1 - i);
      if (frame.lineno) group.lineCounts.set(frame.lineno, (group.lineCounts.get(frame.lineno) ?? 0) + 1);
      groups.set(key, group);
    });
  }
  return [...groups.values()]
    .map(({ lineCounts, ...g }) => ({
      ...g,
      lines: [...lineCounts].sort((a, b) => b[1] - a[1]).map(([l]) => l),
    }))
    .sort((a, b) => b.reportIds.size - a.reportIds.size || a.depth - b.depth);
}

function groupExceptions(reports: readonly FeedbackItem[]): ExceptionGroup[] {
  const byType = new Map<string, { reports: number; values: Map<string, number> }>();
  for (const item of reports) {
    const e = sentryException(item);
    if (!e?.type) continue;
    const entry = byType.get(e.type) ?? { reports: 0, values: new Map<string, number>() };
    entry.reports++;
    if (e.value) entry.values.set(e.value, (entry.values.get(e.value) ?? 0) + 1);
    byType.set(e.type, entry);
  }
  return [...byType]
    .map(([type, e]) => {
      const value = [...e.values].sort((a, b) => b[1] - a[1])[0]?.[0];
      return value === undefined ? { type, reports: e.reports } : { type, value, reports: e.reports };
    })
    .sort((a, b) => b.reports - a.reports);
}

/** Stack locations, exceptions, identifiers and recurring phrases of a cluster's reports. */
export function collectEvidence(reports: readonly FeedbackItem[]): ReportEvidence {
  const texts = reports.map((r) => stripUnsafe(`${r.title}\n${r.body.slice(0, 20_000)}`));
  // Sentry bodies are generated from the event: the same boilerplate in each, no user's words.
  const written = texts.filter((_, i) => reports[i]?.source !== 'sentry');
  return {
    total: reports.length,
    frames: groupFrames(reports),
    exceptions: groupExceptions(reports),
    identifiers: salientIdentifiers(texts),
    phrases:
      written.length >= 2 ? recurringPhrases(written, Math.max(2, Math.ceil(written.length * 0.3))) : [],
  };
}
