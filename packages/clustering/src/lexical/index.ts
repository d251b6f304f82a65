export * from './feature-hash.js';
export * from './lexical-batch.js';
export * from './lexical-vectorizer.js';
export * from './report-text.js';
export * from './stop-words.js';
export * from './term-stats.js';
export * from './tfidf-baseline.js';
export * from './tokenize.js';
