import { createHash } from 'node:crypto';
import { NoteVisibility, SendReport, type BlockList, type StaffReport } from '../../protocol/requests.js';
import { ApiError } from '../errors.js';
import { block } from '../peer-requests.js';
import { requirePlatformKey } from '../platform-key.js';
import type { Handler } from '../request-context.js';
import type { ReportRecord } from '../store/store.js';
import { canonicalJson, parseOrThrow } from '../validation.js';
import { queueNotification } from '../webhooks/notify.js';
import { courseFromPath } from './course-path.js';
import { actionContext, peerFromPath } from './requests.js';

/*
 * Safety (issue 3): a learner blocks someone (both disappear from each other's
 * lists, requests and pool matches, in every course) and reports someone (to
 * the course's staff, by webhook and API); staff can hide a note.
 */

/** `GET /v1/courses/{course}/blocks`: whom the learner blocked, to undo it. */
export const getBlocks: Handler = async (ctx, deps) => {
  const body = await deps.store.transaction(async (tx): Promise<BlockList> => {
    const a = await actionContext(ctx, deps, tx);
    return { blocked: await tx.listBlocks(a.learner.id) };
  });
  return { status: 200, body };
};

/** `PUT /v1/courses/{course}/blocks/{peer}`: idempotent; pending requests between the two are cancelled. */
export const putBlock: Handler = async (ctx, deps) => {
  const peer = peerFromPath(ctx);
  await deps.store.transaction(async (tx) => block(await actionContext(ctx, deps, tx), peer));
  return { status: 204 };
};

/** `DELETE /v1/courses/{course}/blocks/{peer}`: unblocks (cancelled requests stay cancelled). */
export const deleteBlock: Handler = async (ctx, deps) => {
  const peer = peerFromPath(ctx);
  await deps.store.transaction(async (tx) => {
    const a = await actionContext(ctx, deps, tx);
    await tx.removeBlock(a.learner.id, peer);
  });
  return { status: 204 };
};

function staffView(r: ReportRecord): StaffReport {
  return {
    id: r.id,
    course: r.course,
    reporter: r.reporter,
    peer: r.peer,
    reason: r.reason,
    ...(r.details !== null ? { details: r.details } : {}),
    createdAt: r.createdAt,
  };
}

/**
 * `POST /v1/courses/{course}/reports`: 201 when stored, 200 for a resend of
 * the same report (its id is the idempotency key); with `block`, blocks too.
 */
export const postReport: Handler = async (ctx, deps) => {
  ctx.authenticate();
  const input = parseOrThrow(SendReport, (await ctx.readBody(['json'])).value);
  const hash = createHash('sha256').update(canonicalJson(input)).digest('hex');
  const replayed = await deps.store.transaction(async (tx) => {
    const a = await actionContext(ctx, deps, tx);
    const known = await tx.getReport(input.id);
    if (known) {
      if (known.reporter !== a.learner.id || known.hash !== hash) {
        throw new ApiError('id_conflict', 'This report id was already used for another report.', 'id');
      }
      return true;
    }
    if (input.peer === a.learner.id) throw new ApiError('bad_request', 'You cannot report yourself.', 'peer');
    const report: ReportRecord = {
      id: input.id,
      course: a.course,
      reporter: a.learner.id,
      peer: input.peer,
      reason: input.reason,
      details: input.details?.trim() || null,
      hash,
      createdAt: a.now.toISOString(),
    };
    await tx.insertReport(report);
    if (input.block) await block(a, input.peer);
    await queueNotification(tx, deps.config, a, {
      type: 'report.created',
      data: {
        report: report.id,
        reporter: report.reporter,
        peer: report.peer,
        reason: report.reason,
        ...(report.details !== null ? { details: report.details } : {}),
      },
    });
    return false;
  });
  return { status: replayed ? 200 : 201, body: { id: input.id } };
};

/** `GET /v1/courses/{course}/reports` (platform key): the course's reports, newest first. */
export const getReports: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requirePlatformKey(ctx, deps.config);
  const reports = await deps.store.transaction((tx) => tx.listReports(course));
  return { status: 200, body: { reports: reports.map(staffView) } };
};

/** `PUT /v1/courses/{course}/peers/{peer}/note-visibility` (platform key): staff hide or show a listed note. */
export const putNoteVisibility: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requirePlatformKey(ctx, deps.config);
  const peer = peerFromPath(ctx);
  const { hidden } = parseOrThrow(NoteVisibility, (await ctx.readBody(['json'])).value);
  const found = await deps.store.transaction((tx) => tx.setNoteHidden(course, peer, hidden));
  if (!found) throw new ApiError('not_found', 'This learner has no profile in this course.', 'peer');
  return { status: 200, body: { hidden } };
};
