import type { Cluster, CodingPlan, FeedbackItem } from '@fixloop/contracts';
import { oneLine, stripUnsafe } from '../text/untrusted.js';
import type { ValidationResult } from './ports.js';

/** GitHub refuses bodies over 65,536 characters; stay well under it. */
const BODY_BUDGET = 60_000;
/** The cluster detail carries at most 200 reports (the newest); all of them are listed. */
const REPORTS_LISTED = 200;

/**
 * Report text is public input: in a PR body it must stay text. Markdown and HTML characters are
 * escaped, and `@` too, so a report cannot mention (and notify) people or embed images.
 */
export function inlineText(text: string, max = 200): string {
  return oneLine(text, max).replace(/[\\`*_{}[\]()<>#+!|~@-]/g, (c) => `\\${c}`);
}

/** `Refs #n` for an issue of the target repository, `Refs owner/repo#n` for another one. */
export function issueReference(item: FeedbackItem, owner: string, repo: string): string | null {
  if (item.source !== 'github' || item.externalId === undefined) return null;
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)#(\d+)$/.exec(item.externalId);
  if (!m) return null;
  const same = m[1]?.toLowerCase() === owner.toLowerCase() && m[2]?.toLowerCase() === repo.toLowerCase();
  return same ? `Refs #${m[3]}` : `Refs ${m[1]}/${m[2]}#${m[3]}`;
}

function reportLine(item: FeedbackItem): string {
  const title = inlineText(item.title || item.body || 'Untitled report', 120);
  const day = item.createdAt.slice(0, 10);
  const link = item.url && /^https?:\/\//.test(item.url) ? `[${title}](${item.url})` : title;
  return `- ${link} (${item.source}, ${day})`;
}

export interface PullRequestText {
  title: string;
  body: string;
}

/** The draft PR's title and body: the summary, the plan, the validation result and every report. */
export function pullRequestText(input: {
  cluster: Cluster;
  plan: CodingPlan;
  reports: FeedbackItem[];
  validation: ValidationResult;
  owner: string;
  repo: string;
  jobId: string;
}): PullRequestText {
  const { cluster, plan, reports, validation } = input;
  const lines: string[] = [];
  lines.push('## Summary', '', inlineText(plan.summary || cluster.summary, 4_000), '');
  lines.push(
    `This fixes a problem reported **${cluster.size}** time${cluster.size === 1 ? '' : 's'}` +
      ` (${Object.entries(cluster.countsBySource)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')}).`,
    '',
  );
  lines.push('## Plan', '');
  if (plan.hypotheses.length > 0) {
    lines.push('**Hypotheses**', '', ...plan.hypotheses.map((h) => `- ${inlineText(h, 500)}`), '');
  }
  if (plan.candidateFiles.length > 0) {
    lines.push(
      '**Files**',
      '',
      ...plan.candidateFiles.map((f) => `- \`${f.path.replace(/`/g, '')}\`: ${inlineText(f.reason, 300)}`),
      '',
    );
  }
  if (plan.steps.length > 0) {
    lines.push('**Steps**', '', ...plan.steps.map((s, i) => `${i + 1}. ${inlineText(s, 500)}`), '');
  }
  lines.push('## Validation', '');
  if (validation.commands.length === 0) {
    lines.push('The plan named no validation commands.', '');
  } else {
    lines.push(
      validation.passed ? 'All validation commands passed.' : 'Some validation commands failed.',
      '',
    );
    for (const c of validation.commands) {
      const outcome = c.timedOut ? 'timed out' : c.exitCode === 0 ? 'passed' : `failed (exit ${c.exitCode})`;
      lines.push(`- \`${c.command.replace(/`/g, "'")}\`: ${outcome}`);
    }
    lines.push('');
  }
  const listed = [...reports].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  lines.push(`## Reports (${reports.length})`, '');
  lines.push(...listed.slice(0, REPORTS_LISTED).map(reportLine));
  if (listed.length > REPORTS_LISTED) lines.push(`- and ${listed.length - REPORTS_LISTED} more`);
  if (cluster.size > listed.length) {
    lines.push(`- and ${cluster.size - listed.length} older reports of the cluster, in Fixloop`);
  }
  lines.push('');
  const refs = [
    ...new Set(
      listed.map((r) => issueReference(r, input.owner, input.repo)).filter((r): r is string => r !== null),
    ),
  ];
  if (refs.length > 0) lines.push(...refs, '');
  lines.push(
    '---',
    `Opened as a draft by Fixloop (cluster \`${cluster.id}\`, job \`${input.jobId}\`). ` +
      'An agent wrote this change from public reports: review it before marking it ready.',
  );
  let body = lines.join('\n');
  if (body.length > BODY_BUDGET) body = `${body.slice(0, BODY_BUDGET)}\n\n(cut to fit GitHub's limit)`;
  const title = `Fix: ${stripUnsafe(plan.title || cluster.title)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)}`;
  return { title, body };
}
