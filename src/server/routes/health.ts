import type { Handler } from '../request-context.js';

/** The API's version: bumped with the `/v1` contract's additions, not with every release. */
export const API_VERSION = '1.0.0';

/** `GET /v1/health`: answers once the store is open and readable (a load balancer's probe). */
export const getHealth: Handler = async (_ctx, deps) => {
  await deps.store.transaction(async (tx) => {
    await tx.getCommand('00000000-0000-0000-0000-000000000000');
  });
  return { status: 200, body: { status: 'ok', version: API_VERSION, store: deps.store.kind } };
};
