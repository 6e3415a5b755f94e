import type { Handler } from '../request-context.js';
import { postCommand } from './commands.js';
import { postEvents } from './events.js';
import { postForumInteractions } from './forum-interactions.js';
import { getHealth } from './health.js';
import { postInviteDetails } from './invite-details.js';
import { deleteProfile, putProfile } from './peer-profile.js';
import { getPeers } from './peers.js';
import { getSettings, putSettings } from './settings.js';
import { getState } from './state.js';

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
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/me\/profile$/, methods: { PUT: putProfile, DELETE: deleteProfile } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/peers$/, methods: { GET: getPeers } },
  { pattern: /^\/v1\/courses\/(?<course>[^/]+)\/forum-interactions$/, methods: { POST: postForumInteractions } },
  { pattern: /^\/v1\/commands$/, methods: { POST: postCommand } },
  { pattern: /^\/v1\/invite-details$/, methods: { POST: postInviteDetails } },
  { pattern: /^\/v1\/events$/, methods: { POST: postEvents } },
];
