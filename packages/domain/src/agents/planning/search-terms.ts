import { ENGLISH_STOP_WORDS, REPORT_STOP_WORDS } from '@fixloop/clustering';
import type { Cluster } from '@fixloop/contracts';
import type { ReportEvidence } from './report-evidence.js';

const MAX_TERMS = 16;

/** Words that occur in almost every codebase or report and so point nowhere. */
const GENERIC = new Set([
  'error',
  'errors',
  'exception',
  'crash',
  'crashes',
  'bug',
  'issue',
  'problem',
  'broken',
  'fail',
  'fails',
  'failed',
  'failing',
  'wrong',
  'work',
  'works',
  'working',
  'app',
  'application',
  'page',
  'user',
  'users',
  'click',
  'button',
  'screen',
  'data',
  'value',
  'true',
  'false',
  'null',
  'none',
  'undefined',
  'function',
  'return',
  'class',
  'import',
  'self',
  'this',
  'type',
  'object',
  'string',
  'main',
  'index',
  'module',
  'anonymous',
  'handle',
  'call',
  'run',
  'get',
  'set',
]);

/** Built-in error classes: raised all over every codebase, so searching for them finds noise. */
const BUILTIN_ERRORS = new Set(
  [
    'Error TypeError ReferenceError RangeError SyntaxError URIError EvalError AggregateError',
    'KeyError ValueError AttributeError IndexError RuntimeError NameError ZeroDivisionError',
    'AssertionError NotImplementedError OSError IOError FileNotFoundError PermissionError TimeoutError',
    'ImportError ModuleNotFoundError UnicodeDecodeError UnicodeEncodeError RecursionError LookupError',
    'NullPointerException IllegalArgumentException IllegalStateException IndexOutOfBoundsException',
    'ArrayIndexOutOfBoundsException ClassCastException NumberFormatException RuntimeException Exception',
    'UnsupportedOperationException ConcurrentModificationException NoSuchElementException',
    'NoMethodError ArgumentError StandardError ZeroDivisionError NullReferenceException',
    'InvalidOperationException ArgumentNullException ArgumentException KeyNotFoundException',
  ]
    .join(' ')
    .toLowerCase()
    .split(' '),
);

function usable(term: string): boolean {
  const t = term.toLowerCase();
  return (
    !BUILTIN_ERRORS.has(t) &&
    term.length >= 3 &&
    term.length <= 80 &&
    !GENERIC.has(t) &&
    !ENGLISH_STOP_WORDS.has(t) &&
    !REPORT_STOP_WORDS.has(t) &&
    !t.startsWith('sig:') &&
    !/^[\d\W]+$/.test(t)
  );
}

/**
 * What to search the repository for, most specific first: identifiers and error names from the
 * reports, the innermost frames' functions, then the cluster's distinctive terms. `strong` are
 * the specific ones: a file mentioning one of them is a candidate even without other terms.
 */
export function planSearchTerms(
  cluster: Pick<Cluster, 'terms'>,
  evidence: ReportEvidence,
): { terms: string[]; strong: Set<string> } {
  const terms: string[] = [];
  const strong = new Set<string>();
  const seen = new Set<string>();
  const add = (term: string, isStrong: boolean) => {
    const t = term.trim();
    const key = t.toLowerCase();
    if (terms.length >= MAX_TERMS || seen.has(key) || !usable(t)) return;
    seen.add(key);
    terms.push(t);
    if (isStrong) strong.add(t);
  };
  for (const e of evidence.exceptions.slice(0, 3)) add(e.type.split('.').pop() ?? e.type, true);
  for (const id of evidence.identifiers.slice(0, 8)) add(id.text, true);
  for (const f of evidence.frames.filter((g) => g.depth <= 2).slice(0, 3)) {
    if (f.function && /^[A-Za-z_$][\w$]*$/.test(f.function)) add(f.function, false);
  }
  for (const term of cluster.terms.slice(0, 8)) add(term, false);
  return { terms, strong };
}
