export * from './centrality.js';
export * from './distinctive-terms.js';
export * from './offline-digest.js';
export * from './quotes.js';
