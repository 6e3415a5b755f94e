import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWith } from '../../src/server/validation.js';
import { CommandRequest } from '../../src/protocol/api.js';
import { ClientEvent } from '../../src/protocol/events.js';

const id = '3f1c2b9e-8d4a-4c1e-9b2a-1d2e3f4a5b6c';
const create = { type: 'invite.create', relationship: 'friend', objects: ['discuss'], modalities: ['email'] };

test('a failing command is described by the branch whose type matched, with its full path', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [{ ...create, relationship: 'boss' }, 'command.relationship', /expected one of "family"/],
    [{ ...create, objects: ['discuss', 'nope'] }, 'command.objects.1', /expected one of/],
    [{ ...create, modalities: [] }, 'command.modalities', /at least one/],
    [{ type: 'invite.accept', code: 'short' }, 'command.code', /invite code/],
    [{ type: 'group.set-note', group: id, note: 'x'.repeat(201) }, 'command.note', /0 to 200 characters/],
    [{ type: 'nope' }, 'command.type', /unknown type/],
    [{}, 'command.type', /unknown type/],
    [7, 'command', /expected object/],
  ];
  for (const [command, path, message] of cases) {
    const parsed = parseWith(CommandRequest, { id, course: 'c', command });
    assert.equal(parsed.ok, false, JSON.stringify(command));
    if (parsed.ok) continue;
    assert.equal(parsed.path, path, JSON.stringify(command));
    assert.match(parsed.message, message, JSON.stringify(command));
  }
});

test('a failing client event names its index and field', () => {
  const event = { type: 'invite.link-shared', id, v: 1, time: '2025-01-01T00:00:00Z', course: 'c', learner: 'l', invite: id, channel: 'fax' };
  const parsed = parseWith(ClientEvent, event, 'events.3');
  assert.deepEqual(parsed.ok ? null : parsed.path, 'events.3.channel');
  assert.equal(parseWith(ClientEvent, { ...event, channel: 'copy' }).ok, true);
});
