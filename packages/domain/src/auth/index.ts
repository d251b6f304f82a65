export * from './access.js';
export * from './ports.js';
export * from './principal.js';
export * from './sessions.js';
