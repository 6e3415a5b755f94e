import { Uuid } from '../../protocol/codes.js';
import { PeerId, SendRequest, type RequestList } from '../../protocol/requests.js';
import { settingsFor } from '../course-settings.js';
import { answerRequest, requestViews, sendRequest, type PeerActionContext, type RequestAction } from '../peer-requests.js';
import type { AppDeps, Handler, RequestContext } from '../request-context.js';
import type { StoreTx } from '../store/store.js';
import { parseOrThrow } from '../validation.js';
import { courseFromPath, requireCourse } from './course-path.js';

/** Outgoing requests answered this long ago still show, so the sender sees the outcome. */
export const REQUEST_HISTORY_DAYS = 30;

/** The learner, course and settings of a request route, inside its transaction. */
async function actionContext(ctx: RequestContext, deps: AppDeps, tx: StoreTx): Promise<PeerActionContext> {
  const claims = ctx.authenticate();
  const course = courseFromPath(ctx);
  requireCourse(claims, course, 'course');
  const now = deps.now();
  await tx.upsertLearner(claims.sub, claims.name, now.toISOString(), course);
  return {
    tx,
    config: deps.config,
    course,
    learner: { id: claims.sub, name: claims.name },
    settings: await settingsFor(tx, course, deps.config.courses),
    now,
  };
}

/** `GET /v1/courses/{course}/requests`: pending ones to the learner, and theirs of the last 30 days. */
export const getRequests: Handler = async (ctx, deps) => {
  const body = await deps.store.transaction(async (tx): Promise<RequestList> => {
    const a = await actionContext(ctx, deps, tx);
    const since = new Date(a.now.getTime() - REQUEST_HISTORY_DAYS * 86_400_000).toISOString();
    const incoming = await requestViews(tx, a.settings, await tx.listIncoming(a.course, a.learner.id), a.learner.id);
    const outgoing = await requestViews(tx, a.settings, await tx.listOutgoing(a.course, a.learner.id, since), a.learner.id);
    return { incoming, outgoing, pendingOut: await tx.countPendingOut(a.course, a.learner.id) };
  });
  return { status: 200, body };
};

/** `POST /v1/courses/{course}/requests`: 201 when stored, 200 when a resend of a stored one. */
export const postRequest: Handler = async (ctx, deps) => {
  ctx.authenticate();
  const input = parseOrThrow(SendRequest, (await ctx.readBody(['json'])).value);
  const outcome = await deps.store.transaction(async (tx) => sendRequest(await actionContext(ctx, deps, tx), input));
  return { status: outcome.replayed ? 200 : 201, body: { request: outcome.request, events: outcome.events } };
};

/** `POST /v1/courses/{course}/requests/{request}/{accept|decline|cancel}`. */
export function answerRoute(action: RequestAction): Handler {
  return async (ctx, deps) => {
    ctx.authenticate();
    const id = parseOrThrow(Uuid, ctx.params.request, 'request');
    // The action is in the path; a body (`{}` or none) is not read.
    const outcome = await deps.store.transaction(async (tx) => answerRequest(await actionContext(ctx, deps, tx), id, action));
    return { status: 200, body: { request: outcome.request, events: outcome.events } };
  };
}

/** The `{peer}` of a path, validated. */
export function peerFromPath(ctx: RequestContext): string {
  return parseOrThrow(PeerId, ctx.params.peer, 'peer');
}

export { actionContext };
