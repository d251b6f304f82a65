export { decodeFeedback, encodeFeedback } from './feedback-codec.js';
export * from './keys.js';
export * from './redis-api-key-store.js';
export * from './redis-feedback-store.js';
export * from './redis-project-store.js';
