import type { Handler } from '../request-context.js';
import { postCommand } from './commands.js';
import { postEvents } from './events.js';
import { postForumInteractions } from './forum-interactions.js';
import { getHealth } from './health.js';
import { postInviteDetails } from './invite-details.js';
import { deleteProfile, getProfile, putProfile } from './peer-profile.js';
import { answerRoute, getRequests, postRequest } from './requests.js';
import { deleteBlock, getBlocks, getReports, postReport, putBlock, putNoteVisibility } from './safety.js';
import { getPeers } from './peers.js';
import { getPoolRun, postPoolRun } from './pool-runs.js';
import { getSettings, putSettings } from './settings.js';
import { getState } from './state.js';
import { deleteLearner, getLearnerExport } from './learner-data.js';
import { getStats, postProgress } from './stats.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  /** Matched against the whole path; named groups become (URI-decoded) parameters. */
  pattern: RegExp;
  methods: Partial<Record<Method, Handler>>;
}

/** The `/v1` API. The README's API reference follows this table. */
export const ROUTES: readonly Route[] = [
  { pattern: /^\/v1\/health$/, methods: { GET: getHealth } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/settings$/, methods: { GET: getSettings, PUT: putSettings } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/state$/, methods: { GET: getState } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/me\/profile$/, methods: { GET: getProfile, PUT: putProfile, DELETE: deleteProfile } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/peers$/, methods: { GET: getPeers } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/peers\/(?<peer>[^/]+)\/note-visibility$/, methods: { PUT: putNoteVisibility } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/requests$/, methods: { GET: getRequests, POST: postRequest } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/requests\/(?<request>[^/]+)\/accept$/, methods: { POST: answerRoute('accept') } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/requests\/(?<request>[^/]+)\/decline$/, methods: { POST: answerRoute('decline') } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/requests\/(?<request>[^/]+)\/cancel$/, methods: { POST: answerRoute('cancel') } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/blocks$/, methods: { GET: getBlocks } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/blocks\/(?<peer>[^/]+)$/, methods: { PUT: putBlock, DELETE: deleteBlock } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/reports$/, methods: { GET: getReports, POST: postReport } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/pool-runs$/, methods: { POST: postPoolRun } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/pool-runs\/(?<run>[^/]+)$/, methods: { GET: getPoolRun } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/forum-interactions$/, methods: { POST: postForumInteractions } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/stats$/, methods: { GET: getStats } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/progress$/, methods: { POST: postProgress } },
  { pattern: /^\/v1\/learners\/(?<learner>[^/]+)$/, methods: { DELETE: deleteLearner } },
  { pattern: /^\/v1\/learners\/(?<learner>[^/]+)\/export$/, methods: { GET: getLearnerExport } },
  { pattern: /^\/v1\/commands$/, methods: { POST: postCommand } },
  { pattern: /^\/v1\/invite-details$/, methods: { POST: postInviteDetails } },
  { pattern: /^\/v1\/events$/, methods: { POST: postEvents } },
];
