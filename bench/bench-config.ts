import type { ServerConfig } from '../src/server/config.js';

/** The benchmarks' endpoint: one in-process server on `dataDir`, no limits, no webhook, no schedule to speak of. */
export function benchServerConfig(dataDir: string, auth: { secret: string; issuer: string; audience: string; platformKey?: string }): ServerConfig {
  return {
    port: 0,
    dataDir,
    jwtSecret: auth.secret,
    jwtIssuer: auth.issuer,
    jwtAudience: auth.audience,
    allowedOrigins: [],
    platformKey: auth.platformKey ?? '',
    courses: {},
    maxBodyBytes: 64 * 1024,
    inviteDetailsLimit: { max: 30, windowMs: 60_000 },
    webhook: null,
    poolCheckMs: 3_600_000,
    testHoldAfterCommitMs: 0,
  };
}
