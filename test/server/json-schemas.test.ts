/**
 * The JSON Schema export (`npm run schemas` → dist/schema/): every file is a
 * valid draft 2020-12 schema, every route of the API has its schemas, the
 * refines the protocol uses come out as JSON Schema keywords that accept what
 * zod accepts, and real answers of the reference endpoint validate.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as z from 'zod/mini';
import { CourseId, InviteCode, IsoTime, LearnerId, ObjectList, Uuid } from '../../src/protocol/codes.js';
import { LanguageList, LanguageTag } from '../../src/protocol/peers.js';
import { PeerId } from '../../src/protocol/requests.js';
import { ProgressReport } from '../../src/protocol/stats.js';
import { ROUTES } from '../../src/server/routes/route-table.js';
import { buildSchemaExport, toJsonSchema } from '../../scripts/schemas/json-schema.js';
import { CATALOGUE } from '../../scripts/schemas/schema-catalogue.js';
import { createInviteCommand, REPO_ROOT, startTestServer, TestClock, TEST_COURSE, TEST_PLATFORM_KEY, type TestServer } from '../helpers/server.js';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Ajv in strict mode (unknown keywords and formats are errors), with the formats the export uses. */
function makeAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d\d-\d\dT/.test(value));
  ajv.addFormat('date', (value: string) => /^\d{4}-\d\d-\d\d$/.test(value) && !Number.isNaN(Date.parse(value)));
  return ajv;
}

describe('JSON Schema export', () => {
  let outDir: string;
  let ajv: Ajv2020;
  const schemaOf = (name: string): Record<string, any> => JSON.parse(readFileSync(join(outDir, `${name}.json`), 'utf8'));

  before(() => {
    outDir = mkdtempSync(join(tmpdir(), 'tandem-schema-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export-schemas.ts', outDir], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    ajv = makeAjv();
    for (const file of readdirSync(outDir).filter((f) => f !== 'index.json')) ajv.addSchema(JSON.parse(readFileSync(join(outDir, file), 'utf8')));
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  /** Validates `value` against dist/schema/<name>.json; fails with ajv's errors. */
  function assertValid(name: string, value: unknown): void {
    const validate = ajv.getSchema(`https://tandem.example.org/schema/${name}.json`);
    assert.ok(validate, `no schema ${name}`);
    assert.ok(validate(value), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 500)}`);
  }

  it('writes one draft 2020-12 schema per catalogue entry and an index listing them with their routes', () => {
    const files = readdirSync(outDir).sort();
    assert.deepEqual(files, [...CATALOGUE.map((e) => `${e.name}.json`), 'index.json'].sort());
    for (const file of files.filter((f) => f !== 'index.json')) {
      const schema = JSON.parse(readFileSync(join(outDir, file), 'utf8'));
      assert.equal(schema.$schema, DRAFT_2020_12, file);
      assert.ok(ajv.validateSchema(schema), `${file}: ${ajv.errorsText(ajv.errors)}`);
      assert.doesNotThrow(() => makeAjv().compile(schema), file);
    }
    const index = JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8'));
    assert.equal(index.schemas.length, CATALOGUE.length);
    assert.deepEqual(index.schemas.find((s: { name: string }) => s.name === 'CourseStats').routes, [{ route: 'GET /v1/courses/{course}/stats', as: 'reply body', status: [200] }]);
    assert.ok(index.notes.some((n: string) => /UTF-16/.test(n)), 'the index documents what JSON Schema cannot say');
  });

  it('leaves no refine unexpressed', () => {
    assert.deepEqual(buildSchemaExport().lost, []);
    const lost: string[] = [];
    toJsonSchema(z.string().check(z.refine((v) => v.length % 2 === 0, { error: 'expected an even length' })), lost, 'Odd');
    assert.deepEqual(lost, ['Odd: string refine "expected an even length"'], 'an unknown refine is reported');
  });

  it('gives every route of the API a request or reply schema', () => {
    const documented = CATALOGUE.flatMap((e) => e.routes.map((r) => r.route));
    for (const route of ROUTES) {
      for (const method of Object.keys(route.methods)) {
        const covered = documented.some((doc) => {
          const [docMethod, docPath] = doc.split(' ');
          const sample = docPath!.replace(/\?.*$/, '').replace(/\{[^}]+\}/g, 'x');
          return docMethod === method && route.pattern.test(sample);
        });
        // Routes answering 204 with no body (blocks, opting out) have nothing to describe but the error body.
        const bodyless =
          (method === 'DELETE' && route.pattern.test('/v1/courses/x/me/profile')) || ((method === 'PUT' || method === 'DELETE') && route.pattern.test('/v1/courses/x/blocks/x'));
        assert.ok(covered || bodyless, `${method} ${route.pattern} has no schema in the catalogue`);
      }
    }
  });

  it('turns the protocol refines into keywords that accept what zod accepts', () => {
    const cases: [z.ZodMiniType, unknown[]][] = [
      [Uuid, [randomUUID(), randomUUID().toUpperCase(), '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF', '6f1c0000-0000-9000-8000-000000000000', '6f1c0000-0000-4000-c000-000000000000', 'not-a-uuid', 12]],
      [IsoTime, ['2026-11-27T10:00:00Z', '2026-11-27T10:00:00.123Z', '2026-11-27T10:00Z', '2026-11-27 10:00:00Z', '2026-11-27T10:00:00+01:00']],
      [InviteCode, ['abcdefghijklmnopqrstuvwx', 'abcdefghijklmnopqrstuvw', 'abcdefghijklmnopqrstuv+x']],
      [CourseId, ['course-v1:Org+Climate101+2026', '42', '', 'two words', 'a<b', 'x'.repeat(200), 'x'.repeat(201)]],
      [LearnerId, ['a', '', 'x'.repeat(200), 'x'.repeat(201)]],
      [PeerId, ['learner-1', 'ana@example.org', '']],
      [LanguageTag, ['fr', 'pt-BR', 'FR', 'f']],
      [ObjectList, [['discuss'], [], ['discuss', 'discuss'], ['gossip']]],
      [LanguageList, [['fr'], ['fr', 'fr'], ['a1'], ['fr', 'en', 'de', 'it', 'es'], ['fr', 'en', 'de', 'it', 'es', 'pt']]],
      [ProgressReport.shape.progress, [0, 0.5, 1, -0.1, 1.1]],
      [CATALOGUE.find((e) => e.name === 'InviteDetails')!.schema, [{ id: randomUUID(), course: 'c', inviter: { name: 'Ana' }, relationship: 'friend', objects: [], modalities: [], members: 1.5, groupSize: 2, expiresAt: '2026-11-27T10:00:00Z' }]],
    ];
    for (const [schema, values] of cases) {
      const validate = makeAjv().compile(toJsonSchema(schema));
      for (const value of values) {
        assert.equal(validate(value), z.safeParse(schema, value).success, `JSON Schema and zod disagree on ${JSON.stringify(value)}: ${JSON.stringify(toJsonSchema(schema))}`);
      }
    }
  });

  describe('real answers of the reference endpoint validate', () => {
    let server: TestServer;
    const path = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
    const key = { 'x-tandem-platform-key': TEST_PLATFORM_KEY };
    before(async () => {
      server = await startTestServer({ clock: new TestClock(Date.now()) });
    });
    after(() => server.dispose());

    it('health, settings, commands, invite details, state, events and errors', async () => {
      assertValid('Health', (await server.request('/v1/health')).json);
      assertValid('EndpointCourseSettings', (await server.request(`${path}/settings`)).json);
      const commandBody = { id: randomUUID(), course: TEST_COURSE, command: createInviteCommand() };
      assertValid('CommandRequest', commandBody);
      const created = await server.request('/v1/commands', { token: server.token('js-ana'), body: commandBody });
      assertValid('CommandResponse', created.json);
      const code = created.json.result.code;
      assertValid('InviteDetailsRequest', { code });
      assertValid('InviteDetails', (await server.request('/v1/invite-details', { body: { code } })).json);
      const accepted = await server.command('js-ben', { type: 'invite.accept', code });
      assertValid('CommandResponse', accepted.json);
      for (const event of accepted.json.events) assertValid('ServerEvent', event);
      assertValid('LearnerState', (await server.request(`${path}/state`, { token: server.token('js-ana') })).json);
      const event = { id: randomUUID(), v: 1, type: 'invite.opened', time: new Date().toISOString(), course: TEST_COURSE, learner: 'js-ben', invite: created.json.result.invite };
      assertValid('EventBatch', { events: [event] });
      assertValid('ClientEvent', event);
      assertValid('EventsAccepted', (await server.request('/v1/events', { token: server.token('js-ben'), body: { events: [event] } })).json);
      const refused = await server.request('/v1/events', { token: server.token('js-ben'), body: { events: [{ ...event, invite: 'x' }] } });
      assert.equal(refused.status, 400);
      assertValid('EventsRejected', refused.json);
      const error = await server.command('js-ana', { ...createInviteCommand(), relationship: 'stranger' });
      assert.equal(error.status, 400);
      assertValid('ApiErrorBody', error.json);
    });

    it('discovery, requests, progress, stats and a pool run', async () => {
      const profile = { objects: ['discuss'], modalities: ['email'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], autoMatch: true };
      assertValid('PeerProfileInput', profile);
      for (const sub of ['js-cleo', 'js-dan']) {
        assertValid('PeerProfile', (await server.request(`${path}/me/profile`, { method: 'PUT', token: server.token(sub), body: profile })).json);
      }
      assertValid('MyDiscovery', (await server.request(`${path}/me/profile`, { token: server.token('js-cleo') })).json);
      const page = (await server.request(`${path}/peers`, { token: server.token('js-cleo') })).json;
      assert.ok(page.items.length > 0);
      assertValid('PeersPage', page);
      const send = { id: randomUUID(), peer: 'js-dan', from: 'peers', objects: ['discuss'], modalities: ['email'] };
      assertValid('SendRequest', send);
      assertValid('RequestAnswer', (await server.request(`${path}/requests`, { token: server.token('js-cleo'), body: send })).json);
      assertValid('RequestList', (await server.request(`${path}/requests`, { token: server.token('js-dan') })).json);
      const answer = await server.request(`${path}/requests/${send.id}/accept`, { token: server.token('js-dan'), body: {} });
      assertValid('RequestAnswer', answer.json);
      for (const event of answer.json.events) assertValid('PeerEvent', event);
      const reports = { reports: [{ id: randomUUID(), learner: 'js-ana', progress: 0.5, completed: false, time: new Date().toISOString() }] };
      assertValid('ProgressBatch', reports);
      assertValid('ProgressAnswer', (await server.request(`${path}/progress`, { headers: key, body: reports })).json);
      const stats = await server.request(`${path}/stats`, { headers: key });
      assertValid('CourseStats', stats.json);
      assertValid('CourseStats', (await server.request(`${path}/stats`, { token: server.token('js-ines', { role: 'instructor' }) })).json);
      const run = await server.request(`${path}/pool-runs`, { headers: key, body: { seed: 7 } });
      assert.equal(run.status, 202, run.text);
      assertValid('PoolRun', run.json);
      assertValid('ForumInteractionsAnswer', (await server.request(`${path}/forum-interactions`, { headers: key, body: { interactions: [{ from: 'js-ana', to: 'js-ben' }] } })).json);
      const report = { id: randomUUID(), peer: 'js-dan', reason: 'spam' };
      assertValid('SendReport', report);
      assertValid('ReportCreated', (await server.request(`${path}/reports`, { token: server.token('js-cleo'), body: report })).json);
      assertValid('StaffReportList', (await server.request(`${path}/reports`, { headers: key })).json);
      assertValid('BlockList', (await server.request(`${path}/blocks`, { token: server.token('js-cleo') })).json);
    });

    it('refuses what the endpoint refuses', () => {
      const validate = (name: string, value: unknown) => ajv.getSchema(`https://tandem.example.org/schema/${name}.json`)!(value);
      assert.equal(validate('CommandRequest', { id: 'not-a-uuid', course: TEST_COURSE, command: createInviteCommand() }), false);
      assert.equal(validate('CommandRequest', { id: randomUUID(), course: TEST_COURSE, command: createInviteCommand({ objects: [] }) }), false);
      assert.equal(validate('CourseStats', { course: 'c', generatedAt: '2026-11-27T10:00:00Z', threshold: 5, groups: { formed: -1 } }), false);
      assert.equal(validate('ProgressBatch', { reports: [] }), false);
      assert.equal(validate('EventBatch', { events: Array.from({ length: 101 }, () => ({})) }), false);
    });
  });
});
