import type { Cluster } from '@fixloop/contracts';
import { code } from '../../text/untrusted.js';
import type { RepositorySnapshot, SearchHit, SearchLine } from '../ports.js';
import { PathIndex } from './frame-paths.js';
import type { FrameGroup, ReportEvidence } from './report-evidence.js';
import { planSearchTerms } from './search-terms.js';
import { detectValidationCommands } from './validation-commands.js';

/** A file the plan may name, with the evidence for it. */
export interface CandidateEvidence {
  path: string;
  score: number;
  reason: string;
  /** Reports whose stack trace reaches this file (0 when only the search found it). */
  frameReports: number;
  /** Where in the file the traces point (`\`total\` line 42`), when they do. */
  where?: string;
  /** Lines of the file that matched the search. */
  lines: SearchLine[];
}

/** What the repository says about the cluster: the offline planner's findings, shared with the LLM planner. */
export interface RepositoryContext {
  commit: string;
  branch: string;
  files: ReadonlySet<string>;
  topLevel: string[];
  candidates: CandidateEvidence[];
  validation: string[];
  /** Reports with at least one frame resolved to a repository file. */
  reportsWithMatchedFrames: number;
  searchTerms: string[];
}

const SEARCH_LIMIT = 40;
const TOP_LEVEL = 40;
const TEST_PATH = /(?:^|\/)(?:tests?|spec|__tests__)\/|(?:^|\/)test_[^/]*$|[._-](?:test|spec)\.[^/]+$/i;
const DOC_PATH = /\.(?:md|mdx|rst|txt|adoc)$/i;

interface Draft {
  path: string;
  score: number;
  frameReasons: string[];
  where?: string;
  searchReason?: string;
  frameReportIds: Set<string>;
  lines: SearchLine[];
}

/** `\`total\` line 42, \`apply\` line 7`: the functions and lines the traces name, innermost first. */
function frameWhere(groups: FrameGroup[]): string {
  return groups
    .slice(0, 2)
    .map((g) => [g.function ? code(g.function, 60) : null, g.lines[0] ? `line ${g.lines[0]}` : null])
    .map((p) => p.filter(Boolean).join(' '))
    .filter((s) => s !== '')
    .join(', ');
}

function frameReason(groups: FrameGroup[], reports: number, where: string): string {
  const innermost = groups.some((g) => g.depth === 0) ? ' (innermost in-app frame)' : '';
  const plural = reports === 1 ? 'report' : 'reports';
  return `in the stack trace of ${reports} ${plural}${innermost}${where ? `: ${where}` : ''}`;
}

function addFrames(drafts: Map<string, Draft>, evidence: ReportEvidence, index: PathIndex): void {
  const byPath = new Map<string, FrameGroup[]>();
  for (const group of evidence.frames) {
    const match =
      (group.filename ? index.matchFilename(group.filename) : null) ??
      (group.module ? index.matchModule(group.module) : null);
    if (!match) continue;
    byPath.set(match.path, [...(byPath.get(match.path) ?? []), group]);
  }
  for (const [path, groups] of byPath) {
    const ids = new Set(groups.flatMap((g) => [...g.reportIds]));
    const depth = Math.min(...groups.map((g) => g.depth));
    groups.sort((a, b) => a.depth - b.depth || b.reportIds.size - a.reportIds.size);
    const where = frameWhere(groups);
    drafts.set(path, {
      path,
      score: 10 + (10 * ids.size) / Math.max(1, evidence.total) + Math.max(0, 3 - depth),
      frameReasons: [frameReason(groups, ids.size, where)],
      ...(where ? { where } : {}),
      frameReportIds: ids,
      lines: [],
    });
  }
}

function searchScore(hit: SearchHit, terms: string[]): { score: number; pathTerms: string[] } {
  const counts = Object.values(hit.hits);
  const total = counts.reduce((a, b) => a + b, 0);
  const lowerPath = hit.path.toLowerCase();
  const pathTerms = terms.filter((t) => t.length >= 4 && lowerPath.includes(t.toLowerCase())).slice(0, 2);
  let score = 2 * counts.length + Math.log2(1 + total) + 2 * pathTerms.length;
  if (TEST_PATH.test(hit.path)) score *= 0.6;
  if (DOC_PATH.test(hit.path)) score *= 0.5;
  return { score, pathTerms };
}

function addSearch(
  drafts: Map<string, Draft>,
  hits: SearchHit[],
  terms: string[],
  strong: Set<string>,
): void {
  for (const hit of hits) {
    const matched = Object.keys(hit.hits);
    const { score, pathTerms } = searchScore(hit, terms);
    if (matched.length < 2 && pathTerms.length === 0 && !matched.some((t) => strong.has(t))) continue;
    const total = Object.values(hit.hits).reduce((a, b) => a + b, 0);
    const first = hit.lines[0];
    const parts = [
      `mentions ${matched
        .slice(0, 4)
        .map((t) => code(t, 60))
        .join(', ')} (${total} hits)`,
    ];
    if (pathTerms.length > 0) parts.push(`its path matches ${pathTerms.map((t) => code(t, 60)).join(', ')}`);
    if (first) parts.push(`line ${first.line}: ${code(first.text, 100)}`);
    const existing = drafts.get(hit.path);
    if (existing) {
      existing.score += Math.min(0.9, score / 10); // a tie-break: the traces order their own files
      existing.searchReason = parts.join('; ');
      existing.lines = hit.lines;
    } else {
      drafts.set(hit.path, {
        path: hit.path,
        score,
        frameReasons: [],
        searchReason: parts.join('; '),
        frameReportIds: new Set(),
        lines: hit.lines,
      });
    }
  }
}

function topLevelOf(files: Iterable<string>): string[] {
  const top = new Set<string>();
  for (const f of files) {
    const slash = f.indexOf('/');
    top.add(slash === -1 ? f : `${f.slice(0, slash)}/`);
    if (top.size >= TOP_LEVEL) break;
  }
  return [...top].sort();
}

/**
 * Reads the repository for a cluster: stack frames resolved to files, the reports' identifiers
 * and terms searched for, candidates ranked (frames first) and capped, validation commands
 * detected. Null when the repository cannot even be listed.
 */
export async function readRepositoryContext(
  repo: RepositorySnapshot,
  cluster: Pick<Cluster, 'terms'>,
  evidence: ReportEvidence,
  maxCandidates: number,
): Promise<RepositoryContext | null> {
  let list: string[];
  try {
    list = await repo.files();
  } catch {
    return null;
  }
  const files = new Set(list);
  const drafts = new Map<string, Draft>();
  addFrames(drafts, evidence, new PathIndex(list));
  const { terms, strong } = planSearchTerms(cluster, evidence);
  const hits = terms.length > 0 ? await repo.search(terms, SEARCH_LIMIT).catch(() => []) : [];
  addSearch(
    drafts,
    hits.filter((h) => files.has(h.path)),
    terms,
    strong,
  );
  const ranked = [...drafts.values()].sort((a, b) => b.score - a.score || (a.path < b.path ? -1 : 1));
  const matchedReports = new Set([...drafts.values()].flatMap((d) => [...d.frameReportIds]));
  return {
    commit: repo.commit,
    branch: repo.branch,
    files,
    topLevel: topLevelOf(list),
    candidates: ranked.slice(0, maxCandidates).map((d) => ({
      path: d.path,
      score: Math.round(d.score * 100) / 100,
      reason: [...d.frameReasons, ...(d.searchReason ? [d.searchReason] : [])].join('; also ') || 'related',
      frameReports: d.frameReportIds.size,
      ...(d.where ? { where: d.where } : {}),
      lines: d.lines,
    })),
    validation: await detectValidationCommands(repo, files).catch(() => []),
    reportsWithMatchedFrames: matchedReports.size,
    searchTerms: terms,
  };
}
