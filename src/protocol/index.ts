export * from './codes.js';
export * from './config.js';
export * from './events.js';
export * from './api.js';
