import type { Cluster, PlanRisk } from '@fixloop/contracts';
import { code } from '../../text/untrusted.js';
import type { ExceptionGroup, ReportEvidence } from './report-evidence.js';
import type { CandidateEvidence, RepositoryContext } from './repository-context.js';

/** What the kind of exception usually means, for a first hypothesis. */
const CAUSES: Array<[RegExp, string]> = [
  [
    /KeyError|IndexError|NoSuchElement|OutOfBounds|RangeError|LookupError/i,
    'a key or index that is absent in this case',
  ],
  [
    /AttributeError|NullPointer|NoneType|NullReference|nil/i,
    'a value that is null where the code assumes it is set',
  ],
  [/ZeroDivision|DivideByZero|Arithmetic/i, 'a division by zero (an empty or zero quantity)'],
  [
    /ValueError|NumberFormat|Parse|Decode|Syntax|Json/i,
    'input that fails to parse or validate and is not handled',
  ],
  [/TypeError/i, 'a value of an unexpected type (often undefined or null)'],
  [/Timeout|TimedOut|Deadline/i, 'an operation that takes too long and is not handled'],
  [/Permission|Forbidden|Unauthori[sz]ed|AccessDenied/i, 'an access check that fails for these users'],
  [/NotFound|DoesNotExist|FileNotFound|ENOENT/i, 'a record or file the code expects but that is missing'],
];

function causeOf(e: ExceptionGroup): string {
  const text = `${e.type} ${e.value ?? ''}`;
  return CAUSES.find(([re]) => re.test(text))?.[1] ?? 'a case the code does not handle';
}

function exceptionLabel(e: ExceptionGroup): string {
  return code(e.value ? `${e.type}: ${e.value}` : e.type, 100);
}

function exceptionHypotheses(evidence: ReportEvidence, top: CandidateEvidence | undefined): string[] {
  return evidence.exceptions.slice(0, 2).map((e, i) => {
    const share = `${e.reports} of ${evidence.total} reports`;
    const frame = evidence.frames.find((f) => f.depth === 0);
    const where =
      i === 0 && top && top.frameReports > 0
        ? ` in ${code(top.path)}${frame?.function ? ` (${code(frame.function, 60)}${frame.lines[0] ? ` line ${frame.lines[0]}` : ''})` : ''}`
        : frame?.function && i === 0
          ? ` in ${code(frame.function, 60)}`
          : '';
    return `${exceptionLabel(e)} is raised${where} in ${share}: the code likely reaches ${causeOf(e)}.`;
  });
}

/** Likely causes, the most specific first: exceptions and frames, then concentrated terms, then phrases. */
export function offlineHypotheses(
  cluster: Pick<Cluster, 'title'>,
  evidence: ReportEvidence,
  repo: RepositoryContext | null,
): string[] {
  const top = repo?.candidates[0];
  const out = exceptionHypotheses(evidence, top);
  if (out.length === 0 && top && top.frameReports > 0) {
    out.push(
      `The stack traces of ${top.frameReports} reports meet in ${code(top.path)}: the failure starts there or in what it calls.`,
    );
  }
  const searched = repo?.candidates.find((c) => c.frameReports === 0);
  if (searched) {
    out.push(
      `The reports' own words point at ${code(searched.path)}, which ${searched.reason.split(';')[0]}: the behaviour they describe is probably implemented there.`,
    );
  }
  for (const p of evidence.phrases.slice(0, 2)) {
    out.push(
      `${p.reports} reports say ${code(p.text, 60)}: the fix should make that case behave as users expect.`,
    );
  }
  if (out.length === 0) {
    const name = cluster.title.trim() ? ` (${code(cluster.title, 160)})` : '';
    out.push(`The reports describe one problem${name}; its cause is not located yet: reproduce it first.`);
  }
  return out.slice(0, 5);
}

/** Steps a coding agent can follow, naming the files. */
export function offlineSteps(evidence: ReportEvidence, repo: RepositoryContext | null): string[] {
  const steps: string[] = [];
  const exception = evidence.exceptions[0];
  steps.push(
    exception
      ? `Reproduce ${exceptionLabel(exception)} from the reports below, ideally as a failing test.`
      : 'Reproduce the problem the reports below describe, ideally as a failing test.',
  );
  if (!repo) {
    steps.push('Find the code involved: search the repository for the names and messages the reports quote.');
  } else if (repo.candidates.length === 0) {
    steps.push(
      'No file stood out: search the repository for the names and messages the reports quote to find the code involved.',
    );
  }
  for (const c of repo?.candidates.slice(0, 3) ?? []) {
    steps.push(
      c.frameReports > 0
        ? `Inspect ${code(c.path)}${c.where ? ` at ${c.where}` : ''}, where the stack traces of ${c.frameReports} ${c.frameReports === 1 ? 'report' : 'reports'} point: find why it fails in the reported case.`
        : `Check ${code(c.path)}, which ${c.reason.split(';')[0]}.`,
    );
  }
  steps.push(
    'Fix the cause with the smallest change that handles the reported case; keep unrelated code as it is.',
  );
  steps.push('Add or update a test that fails before the fix and passes after it.');
  const validation = repo?.validation ?? [];
  steps.push(
    validation.length > 0
      ? `Run ${validation.map((v) => code(v, 60)).join(', ')} and make sure everything passes.`
      : "Run the project's tests, if it has any.",
  );
  return steps;
}

/**
 * High without a repository or a candidate file, or for a loose cluster that no stack trace ties
 * to the code; low when the traces of most reports of a cohesive cluster resolve to a few files;
 * medium otherwise.
 */
export function offlineRisk(
  cluster: Pick<Cluster, 'cohesion' | 'size'>,
  evidence: ReportEvidence,
  repo: RepositoryContext | null,
): PlanRisk {
  if (!repo || repo.candidates.length === 0) return 'high';
  const framed = repo.reportsWithMatchedFrames / Math.max(1, evidence.total);
  const frameFiles = repo.candidates.filter((c) => c.frameReports > 0).length;
  if (framed >= 0.5 && frameFiles <= 3 && cluster.cohesion >= 0.4) return 'low';
  if (framed === 0 && cluster.cohesion < 0.3) return 'high';
  if (cluster.size >= 5 && cluster.cohesion < 0.25) return 'high';
  return 'medium';
}
