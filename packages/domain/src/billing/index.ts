export * from './checkout.js';
export * from './limits.js';
export * from './plans.js';
export * from './ports.js';
export * from './release.js';
export * from './usage.js';
export * from './webhook.js';
