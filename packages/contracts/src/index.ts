export * from './clusters.js';
export * from './common.js';
export * from './errors.js';
export * from './feedback.js';
export * from './github.js';
export * from './ingest.js';
export * from './projects.js';
export * from './sentry.js';
