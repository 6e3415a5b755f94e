import { randomUUID } from 'node:crypto';
import { afterLeave } from '../../core/group-rules.js';
import type { ServerEvent } from '../../protocol/events.js';
import type { ErasureAnswer, LearnerExport } from '../../protocol/learner-data.js';
import { voidingStatement } from '../../core/xapi-statements.js';
import type { XapiConfig } from '../config.js';
import { eventRecord, type StoreTx } from '../store/store.js';
import { vocabularyOf } from '../xapi/queue.js';
import { canonicalJson } from '../validation.js';

/*
 * A learner's data on request (issue 5): an export of every record naming
 * them, and an erasure. Both run in one transaction of the caller's.
 */

export async function exportLearner(tx: StoreTx, learner: string, now: Date): Promise<LearnerExport> {
  return { ...(await tx.learnerExport(learner)), exportedAt: now.toISOString() };
}

/**
 * Erases a learner across courses. First they leave each group they are in,
 * through the same events as `group.leave` (a group left with one member is
 * dissolved), so that the other members' groups, the course's counts and a
 * rebuild of them stay true; then the store deletes what is theirs alone and
 * puts a random pseudonym for their id in everything else, those events
 * included. xAPI statements that named them are pseudonymised too, and those
 * the Learning Record Store already has are voided there. Erasing someone
 * unknown (or erased already) does nothing more than renew the tombstone.
 */
export async function eraseLearner(tx: StoreTx, learner: string, now: Date, tombstoneKey: string, xapi: XapiConfig | null = null): Promise<ErasureAnswer> {
  const at = now.toISOString();
  const groups = await tx.activeGroupsOfLearner(learner);
  for (const group of groups) {
    const members = await tx.activeMembers(group.id);
    const me = members.find((m) => m.learner === learner)!;
    const { remaining, dissolved } = afterLeave(
      members.map((m) => m.learner),
      learner,
    );
    const envelope = () => ({ id: randomUUID(), v: 1 as const, time: at, course: group.course, learner });
    const events: ServerEvent[] = [{ ...envelope(), type: 'group.left', group: group.id, relationship: me.relationship, modalities: group.modalities }];
    await tx.endMembership(group.id, learner, at);
    if (dissolved) {
      for (const other of remaining) await tx.endMembership(group.id, other, at);
      await tx.dissolveGroup(group.id, at);
      events.push({ ...envelope(), type: 'group.dissolved', group: group.id });
    }
    await tx.insertEvents(events.map((event) => eventRecord(event, canonicalJson(event), 'server', null, at)));
  }
  const { eventsPseudonymised, recordsDeleted, deliveredStatements } = await tx.eraseLearner(learner, `erased-${randomUUID()}`, at, tombstoneKey);
  // The Learning Record Store keeps what it was sent: each statement that named them is voided there.
  if (xapi) {
    for (const voided of deliveredStatements) {
      const statement = voidingStatement(randomUUID(), voided.id, vocabularyOf(xapi), at);
      await tx.insertXapiStatement({
        id: statement.id,
        course: voided.course,
        eventType: 'statement.voided',
        body: JSON.stringify(statement),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at,
        lastError: null,
        createdAt: at,
        finishedAt: null,
      });
    }
  }
  return { learner, erasedAt: at, groupsLeft: groups.length, eventsPseudonymised, recordsDeleted, statementsVoided: xapi ? deliveredStatements.length : 0 };
}
