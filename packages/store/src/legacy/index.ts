export { INTERRUPTED } from './convert-job.js';
export { LEGACY_REPRESENTATION } from './migrate-clusters.js';
export { type MigrateLegacyOptions, MigrationBusyError, migrateLegacy } from './migrate-legacy.js';
export { migrationKeys } from './migration-context.js';
export {
  changedAnything,
  type DeletionReport,
  formatReport,
  type KindTally,
  LEGACY_KINDS,
  type LegacyKind,
  type MigrationReport,
} from './report.js';
