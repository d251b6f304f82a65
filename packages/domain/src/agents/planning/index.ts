export { type LlmPlannerOptions, llmPlanner } from './llm-planner.js';
export {
  analyzePlanContext,
  type OfflinePlannerOptions,
  offlineDraft,
  offlinePlanner,
  type PlanAnalysis,
} from './offline-planner.js';
export type { CandidateEvidence, RepositoryContext } from './repository-context.js';
export { buildTaskFile, citationsFor, TASK_FILE_BUDGET, type TaskRepository } from './task-file.js';
export { detectValidationCommands } from './validation-commands.js';
