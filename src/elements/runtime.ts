/**
 * What the elements need after their first render: the configuration schema
 * and the session (transport, storage, and zod with every protocol schema).
 * The script-tag file loads it as a chunk of its own, at once and in parallel
 * with the page's catalogue, so that an element paints its stable placeholder
 * after Lit and its own code alone (render.first_ms), not after the schemas.
 */
export { parseConfig } from './config-resolver.js';
export { getSession } from '../transport/session.js';
// Part 2's chunk checks its replies with z.custom (src/transport/discovery.ts), from this chunk, where zod lives.
// Exported here by name, the chunk keeps the plain exports import() reads, rather than a namespace object.
export { custom } from 'zod/mini';
