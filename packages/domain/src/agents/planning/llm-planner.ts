import type { CandidateFile, PlanRisk } from '@fixloop/contracts';
import type { LlmClient, Logger } from '../../ports.js';
import { bounded, extractJson, oneLine, stripUnsafe } from '../../text/untrusted.js';
import type { PlanDraft, Planner } from '../ports.js';
import { LlmPlanAnswer, PLAN_SYSTEM, planPrompt } from './llm-plan-prompt.js';
import { analyzePlanContext, offlineDraft, type PlanAnalysis } from './offline-planner.js';

export interface LlmPlannerOptions {
  /** Told when the model's plan is refused and the offline plan is used instead. */
  log?: Logger;
  maxTokens?: number;
  /** Candidate files given to the model and kept from its answer (default 8). */
  maxCandidates?: number;
}

const RISK_ORDER: Record<PlanRisk, number> = { low: 0, medium: 1, high: 2 };

/** Only paths the snapshot holds; the offline reasons fill in missing ones; the offline files when none survive. */
function acceptFiles(
  answer: LlmPlanAnswer,
  analysis: PlanAnalysis,
  fallback: PlanDraft,
  max: number,
): CandidateFile[] {
  const files = analysis.repository?.files;
  if (!files) return [];
  const offlineReason = new Map(fallback.candidateFiles.map((f) => [f.path, f.reason]));
  const out: CandidateFile[] = [];
  for (const f of answer.candidateFiles) {
    const path = f.path.replace(/^\.?\/+/, '');
    if (!files.has(path) || out.some((o) => o.path === path)) continue;
    out.push({ path, reason: oneLine(f.reason, 600) || offlineReason.get(path) || 'named by the planner' });
    if (out.length >= max) break;
  }
  return out.length > 0 ? out : fallback.candidateFiles;
}

/**
 * Commands run in the sandbox with the repository's credentials nearby, so a model steered by a
 * report must not choose them: only commands the repository itself declares (detected offline)
 * are kept, and all of them when the model picked none.
 */
function acceptValidation(answer: LlmPlanAnswer, analysis: PlanAnalysis): string[] {
  const detected = analysis.repository?.validation ?? [];
  const chosen = [...new Set(answer.validation.map((v) => v.trim()))].filter((v) => detected.includes(v));
  return chosen.length > 0 ? chosen : detected;
}

/** The model's answer as a plan: every text cleaned and bounded; risk never below the offline estimate. */
function acceptAnswer(
  answer: LlmPlanAnswer,
  analysis: PlanAnalysis,
  fallback: PlanDraft,
  max: number,
): PlanDraft {
  return {
    title: oneLine(answer.title, 200),
    summary: bounded(stripUnsafe(answer.summary).trim(), 4_000),
    hypotheses: answer.hypotheses.slice(0, 8).map((h) => oneLine(h, 600)),
    candidateFiles: acceptFiles(answer, analysis, fallback, max),
    steps: answer.steps.slice(0, 12).map((s) => oneLine(s, 600)),
    validation: acceptValidation(answer, analysis),
    risk: RISK_ORDER[answer.risk] >= RISK_ORDER[fallback.risk] ? answer.risk : fallback.risk,
    source: 'llm',
  };
}

/**
 * Plans with a language model, given the offline planner's repository findings. The answer is
 * JSON validated against a schema; file paths must exist in the snapshot and validation commands
 * must be ones the repository declares. Any failure (unreachable model, malformed or invalid
 * JSON) answers the offline plan, with a warning.
 */
export function llmPlanner(client: LlmClient, options: LlmPlannerOptions = {}): Planner {
  const maxCandidates = options.maxCandidates ?? 8;
  return {
    id: client.id,
    async plan(context) {
      const analysis = await analyzePlanContext(context, maxCandidates);
      const fallback = offlineDraft(context.cluster, analysis);
      try {
        const text = await client.complete({
          system: PLAN_SYSTEM,
          user: planPrompt(context, analysis),
          maxTokens: options.maxTokens ?? 2_000,
        });
        const parsed = LlmPlanAnswer.safeParse(extractJson(text));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(
            `invalid plan: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'}`,
          );
        }
        return acceptAnswer(parsed.data, analysis, fallback, maxCandidates);
      } catch (err) {
        options.log?.warn(
          {
            projectId: context.cluster.projectId,
            clusterId: context.cluster.id,
            llm: client.id,
            err: err instanceof Error ? err.message : String(err),
          },
          'language model plan failed; used the offline one',
        );
        return fallback;
      }
    },
  };
}
