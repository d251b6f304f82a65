export * from './crypto/internal-token.js';
export * from './crypto/secret-box.js';
export * from './crypto/signatures.js';
export * from './github/octokit-tracker.js';
export * from './http/http-ingest-sink.js';
export * from './reddit/reddit-client.js';
