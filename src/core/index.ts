export * from './typology.js';
export * from './invite-code.js';
export * from './backoff.js';
export * from './token-claims.js';
export * from './course-settings.js';
export * from './group-rules.js';
export * from './availability.js';
export * from './ranking.js';
