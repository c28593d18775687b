import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/events.js';
import { EVENT_PERMISSIONS } from '../../server/auth/permissions.js';
import { apiRoutes } from '../../server/http/routes/index.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { ADMIN } from '../helpers/stack.js';

/*
 * Tries every REST route and every Socket.IO event as every kind of caller against every kind
 * of data, and compares the status (or acknowledgement) with the rules written out below,
 * independently of server/auth/permissions.ts. A route or event without an expectation here
 * fails the test, so a new route cannot ship without deciding who may call it.
 */

const ROLES = ['anonymous', 'member', 'viewer', 'editor', 'manager', 'owner', 'curator', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** One project per kind, each holding one dataset of that kind. */
const KINDS = ['private', 'internal', 'public', 'embargoed', 'draft'] as const;
type Kind = (typeof KINDS)[number];

const PROJECT_MEMBERS: Role[] = ['viewer', 'editor', 'manager', 'owner'];
const EDITORS: Role[] = ['editor', 'manager', 'owner', 'admin'];
const MANAGERS: Role[] = ['manager', 'owner', 'admin'];
const PUBLISHERS: Role[] = ['manager', 'owner', 'curator', 'admin'];
const MEMBER_LIST_READERS: Role[] = [...PROJECT_MEMBERS, 'curator', 'admin'];
const PASSWORD = 'matrix-password-1';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface World {
  projectId: string;
  datasetId: string;
  fieldId: string;
  sampleId: string;
  measurementId: string;
  importId: string;
  projectContributorId: string;
  datasetContributorId: string;
}

interface Request {
  method: string;
  path: string;
  body?: unknown;
  multipart?: boolean;
  /** Runs the request as another session of the same user, e.g. to end that session. */
  client?: TestClient;
}

/** A route tried once per role (portal) or once per role and kind (data). */
interface Case {
  scope: 'portal' | 'data';
  request(role: Role, world: World | null): Promise<Request> | Request;
  expect(role: Role, kind: Kind | null): number;
}

let api: ApiServer;
let knex: Knex;
const clients = new Map<Role, TestClient>();
const userIds = new Map<Role, string>();
const worlds = new Map<Kind, World>();
const sockets: ClientSocket[] = [];

// The rules, written from the permission model rather than read from the table.

function isInside(role: Role): boolean {
  return PROJECT_MEMBERS.includes(role) || role === 'curator' || role === 'admin';
}

/** Reports whether the caller can see the project or dataset at all. */
function sees(role: Role, kind: Kind | null): boolean {
  if (kind === null || isInside(role)) return true;
  if (kind === 'public' || kind === 'embargoed') return true;
  return kind === 'internal' && role !== 'anonymous';
}

const read = (ok: number) => (role: Role, kind: Kind | null) => (sees(role, kind) ? ok : 404);

const readData = (ok: number) => (role: Role, kind: Kind | null) => {
  if (!sees(role, kind)) return 404;
  if (kind === 'embargoed' && !isInside(role)) return 403;
  return ok;
};

const restricted = (granted: Role[], ok: number) => (role: Role, kind: Kind | null) => {
  if (!sees(role, kind)) return 404;
  if (granted.includes(role)) return ok;
  return role === 'anonymous' ? 401 : 403;
};

const anyone = (ok: number) => () => ok;
const signedIn = (ok: number) => (role: Role) => (role === 'anonymous' ? 401 : ok);
const adminOnly = (ok: number) => (role: Role) => {
  if (role === 'anonymous') return 401;
  return role === 'admin' ? ok : 403;
};

const unique = () => randomBytes(4).toString('hex');

const visibleSignedIn = (ok: number) => (role: Role, kind: Kind | null) => {
  if (!sees(role, kind)) return 404;
  return role === 'anonymous' ? 401 : ok;
};

const NOTICE_BODY = { level: 'info', title: 'Matrix notice', bodyMarkdown: 'Checked', dismissible: true };

/** Creates a draft dataset in the project, so each publish request has something to publish. */
async function throwawayDraft(projectId: string): Promise<string> {
  // Private, so publishing it does not open the project to outsiders for the other cases.
  const [row] = await knex('datasets').insert({ projectId, title: `Draft ${unique()}`, visibility: 'private', state: 'draft' }).returning('id');
  return row.id as string;
}

/** Creates a dismissible notice as the admin, one per request, so edits and withdrawals do not collide. */
async function throwawayNotice(): Promise<string> {
  const created = await clients.get('admin')!.post('/notices', NOTICE_BODY);
  return created.body.id as string;
}

async function throwawayMember(projectId: string): Promise<string> {
  const [user] = await knex('users').insert({ email: `gone-${unique()}@example.org`, displayName: 'Throwaway' }).returning('id');
  await knex('project_members').insert({ projectId, userId: user.id, role: 'viewer' });
  return user.id as string;
}

async function throwawayInvitation(projectId: string): Promise<string> {
  const [row] = await knex('project_invitations')
    .insert({ projectId, email: `invitee-${unique()}@example.org`, role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000) })
    .returning('id');
  return row.id as string;
}

async function throwawayContributor(world: World): Promise<string> {
  const [row] = await knex('contributors')
    .insert({ projectId: world.projectId, datasetId: world.datasetId, position: 99, kind: 'person', name: 'Gone, Soon', roles: ['Other'] })
    .returning('id');
  return row.id as string;
}

/** Signs the role's user in a second time and returns that session, which the role may end. */
async function extraSession(role: Role): Promise<{ client: TestClient; handle: string }> {
  const client = await new TestClient(api.url).signIn(emailOf(role), role === 'admin' ? ADMIN.password : PASSWORD);
  const sessions = await client.get('/account/sessions');
  const current = (sessions.body.items as { id: string; current: boolean }[]).find((entry) => entry.current);
  return { client, handle: current!.id };
}

function emailOf(role: Role): string {
  return role === 'admin' ? ADMIN.email : `${role}@example.org`;
}

const ROUTE_CASES: Record<string, Case[]> = {
  'GET /health': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/health' }), expect: anyone(200) }],
  'GET /config': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/config' }), expect: anyone(200) }],

  'POST /auth/sign-in': [
    {
      scope: 'portal',
      request: () => ({ method: 'POST', path: '/auth/sign-in', body: { email: ADMIN.email, password: 'not-the-password' } }),
      expect: anyone(401),
    },
  ],
  'GET /auth/session': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/auth/session' }), expect: anyone(200) }],
  'POST /auth/sign-up': [
    {
      scope: 'portal',
      request: () => ({ method: 'POST', path: '/auth/sign-up', body: { email: `new-${unique()}@example.org`, displayName: 'New', password: 'long-enough-pw' } }),
      expect: anyone(202),
    },
  ],
  'POST /auth/verify-email': [
    { scope: 'portal', request: () => ({ method: 'POST', path: '/auth/verify-email', body: { token: randomBytes(32).toString('base64url') } }), expect: anyone(400) },
  ],
  'POST /auth/password-reset': [
    { scope: 'portal', request: () => ({ method: 'POST', path: '/auth/password-reset', body: { email: 'nobody@example.org' } }), expect: anyone(202) },
  ],
  'POST /auth/password-reset/confirm': [
    {
      scope: 'portal',
      request: () => ({ method: 'POST', path: '/auth/password-reset/confirm', body: { token: randomBytes(32).toString('base64url'), password: 'long-enough-pw' } }),
      expect: anyone(400),
    },
  ],
  // ORCID is not configured on this server; the ORCID test covers the configured flow.
  'GET /auth/orcid/start': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/auth/orcid/start' }), expect: anyone(404) }],
  'GET /auth/orcid/callback': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/auth/orcid/callback?code=x&state=y' }), expect: anyone(302) }],
  // Ending sessions would sign the roles out, so these run last, in their own test.
  'POST /auth/sign-out': [],
  'POST /account/sign-out-everywhere': [],

  'GET /account/tokens': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/account/tokens' }), expect: signedIn(200) }],
  'POST /account/tokens': [
    { scope: 'portal', request: () => ({ method: 'POST', path: '/account/tokens', body: { name: 'matrix', scope: 'read' } }), expect: signedIn(201) },
  ],
  'DELETE /account/tokens/{tokenId}': [
    {
      scope: 'portal',
      async request(role) {
        if (role === 'anonymous') return { method: 'DELETE', path: `/account/tokens/${randomUUID()}` };
        const created = await clients.get(role)!.post('/account/tokens', { name: 'to revoke', scope: 'write' });
        return { method: 'DELETE', path: `/account/tokens/${created.body.id}` };
      },
      expect: signedIn(204),
    },
  ],
  'GET /account/sessions': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/account/sessions' }), expect: signedIn(200) }],
  'DELETE /account/sessions/{sessionId}': [
    {
      scope: 'portal',
      async request(role) {
        if (role === 'anonymous') return { method: 'DELETE', path: `/account/sessions/${'0'.repeat(32)}` };
        const { handle } = await extraSession(role);
        return { method: 'DELETE', path: `/account/sessions/${handle}` };
      },
      expect: signedIn(204),
    },
  ],
  'GET /account/invitations': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/account/invitations' }), expect: signedIn(200) }],
  'POST /account/invitations/{invitationId}/accept': [
    // An invitation addressed to someone else cannot be accepted: it is not found for this user.
    { scope: 'portal', request: () => ({ method: 'POST', path: `/account/invitations/${randomUUID()}/accept` }), expect: signedIn(404) },
  ],
  'GET /account/contributor-claims': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/account/contributor-claims' }), expect: signedIn(200) }],

  'POST /users': [
    {
      scope: 'portal',
      request: () => ({ method: 'POST', path: '/users', body: { email: `made-${unique()}@example.org`, displayName: 'Made', password: 'long-enough-pw' } }),
      expect: adminOnly(201),
    },
  ],
  'GET /users': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/users' }), expect: adminOnly(200) }],
  'PATCH /users/{userId}': [
    { scope: 'portal', request: () => ({ method: 'PATCH', path: `/users/${userIds.get('member')}`, body: { displayName: 'Member' } }), expect: adminOnly(200) },
  ],
  'GET /admin/audit-log': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/admin/audit-log?limit=5' }), expect: adminOnly(200) }],

  'GET /projects': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/projects' }), expect: anyone(200) }],
  'POST /projects': [{ scope: 'portal', request: () => ({ method: 'POST', path: '/projects', body: { title: 'Matrix extra' } }), expect: signedIn(201) }],
  'GET /projects/{projectId}': [{ scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/projects/${w!.projectId}` }), expect: read(200) }],
  'PATCH /projects/{projectId}': [
    { scope: 'data', request: (_r, w) => ({ method: 'PATCH', path: `/projects/${w!.projectId}`, body: { description: 'Checked' } }), expect: restricted(MANAGERS, 200) },
  ],
  'GET /projects/{projectId}/permissions': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/projects/${w!.projectId}/permissions` }), expect: read(200) },
  ],
  'GET /datasets/{datasetId}/permissions': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/permissions` }), expect: read(200) },
  ],
  'GET /projects/{projectId}/members': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/projects/${w!.projectId}/members` }), expect: restricted(MEMBER_LIST_READERS, 200) },
  ],
  'PATCH /projects/{projectId}/members/{userId}': [
    {
      scope: 'data',
      request: async (_r, w) => ({ method: 'PATCH', path: `/projects/${w!.projectId}/members/${await throwawayMember(w!.projectId)}`, body: { role: 'editor' } }),
      expect: restricted(MANAGERS, 200),
    },
  ],
  'DELETE /projects/{projectId}/members/{userId}': [
    {
      scope: 'data',
      request: async (_r, w) => ({ method: 'DELETE', path: `/projects/${w!.projectId}/members/${await throwawayMember(w!.projectId)}` }),
      expect: restricted(MANAGERS, 204),
    },
  ],
  'GET /projects/{projectId}/invitations': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/projects/${w!.projectId}/invitations` }), expect: restricted(MEMBER_LIST_READERS, 200) },
  ],
  'POST /projects/{projectId}/invitations': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/projects/${w!.projectId}/invitations`, body: { email: `invited-${unique()}@example.org`, role: 'viewer' } }),
      expect: restricted(MANAGERS, 201),
    },
  ],
  'DELETE /projects/{projectId}/invitations/{invitationId}': [
    {
      scope: 'data',
      request: async (_r, w) => ({ method: 'DELETE', path: `/projects/${w!.projectId}/invitations/${await throwawayInvitation(w!.projectId)}` }),
      expect: restricted(MANAGERS, 204),
    },
  ],

  'GET /datasets': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/datasets' }), expect: anyone(200) }],
  'POST /projects/{projectId}/datasets': [
    { scope: 'data', request: (_r, w) => ({ method: 'POST', path: `/projects/${w!.projectId}/datasets`, body: { title: 'Extra draft' } }), expect: restricted(EDITORS, 201) },
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/projects/${w!.projectId}/datasets`, body: { title: 'Extra published', state: 'published', visibility: 'private' } }),
      // Creating needs the editor roles, publishing at once the publisher roles: both.
      expect: restricted(['manager', 'owner', 'admin'], 201),
    },
  ],
  'GET /datasets/{datasetId}': [{ scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}` }), expect: read(200) }],
  'PATCH /datasets/{datasetId}': [
    { scope: 'data', request: (_r, w) => ({ method: 'PATCH', path: `/datasets/${w!.datasetId}`, body: { rights: 'Checked' } }), expect: restricted(MANAGERS, 200) },
    {
      scope: 'data',
      // Sets the visibility the dataset already has, so access stays as it is.
      request: (_r, w) => ({ method: 'PATCH', path: `/datasets/${w!.datasetId}`, body: { visibility: visibilityOf(w!) } }),
      expect: restricted(PUBLISHERS, 200),
    },
  ],

  'GET /projects/{projectId}/contributors': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/projects/${w!.projectId}/contributors` }), expect: read(200) },
  ],
  'POST /projects/{projectId}/contributors': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/projects/${w!.projectId}/contributors`, body: { name: 'Extra, Person', roles: ['Researcher'] } }),
      expect: restricted(MANAGERS, 201),
    },
  ],
  'GET /datasets/{datasetId}/contributors': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/contributors` }), expect: read(200) },
  ],
  'POST /datasets/{datasetId}/contributors': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/datasets/${w!.datasetId}/contributors`, body: { name: 'Extra, Person', roles: ['DataCollector'] } }),
      expect: restricted(MANAGERS, 201),
    },
  ],
  'PATCH /contributors/{contributorId}': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'PATCH', path: `/contributors/${w!.datasetContributorId}`, body: { affiliation: 'Checked University' } }),
      expect: restricted(MANAGERS, 200),
    },
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'PATCH', path: `/contributors/${w!.projectContributorId}`, body: { affiliation: 'Checked University' } }),
      expect: restricted(MANAGERS, 200),
    },
  ],
  'DELETE /contributors/{contributorId}': [
    { scope: 'data', request: async (_r, w) => ({ method: 'DELETE', path: `/contributors/${await throwawayContributor(w!)}` }), expect: restricted(MANAGERS, 204) },
  ],
  'POST /contributors/{contributorId}/claim': [
    // No role here has signed in with ORCID, so a visible record cannot be claimed: 403.
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/contributors/${w!.datasetContributorId}/claim` }),
      expect: restricted([], 200),
    },
  ],

  'GET /datasets/{datasetId}/fields': [{ scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/fields` }), expect: read(200) }],
  'POST /datasets/{datasetId}/fields': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/datasets/${w!.datasetId}/fields`, body: { label: `Extra ${unique()}`, type: 'text' } }),
      expect: restricted(EDITORS, 201),
    },
  ],
  'GET /datasets/{datasetId}/fields/{fieldId}': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/fields/${w!.fieldId}` }), expect: read(200) },
  ],
  'PATCH /datasets/{datasetId}/fields/{fieldId}': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'PATCH', path: `/datasets/${w!.datasetId}/fields/${w!.fieldId}`, body: { description: 'Checked' } }),
      expect: restricted(EDITORS, 200),
    },
  ],
  'GET /datasets/{datasetId}/samples': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/samples` }), expect: readData(200) },
  ],
  'GET /datasets/{datasetId}/samples/window': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/samples/window` }), expect: readData(200) },
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/samples/window?position=5&limit=10` }), expect: readData(200) },
  ],
  'POST /datasets/{datasetId}/samples': [
    { scope: 'data', request: (_r, w) => ({ method: 'POST', path: `/datasets/${w!.datasetId}/samples`, body: { name: 'Extra' } }), expect: restricted(EDITORS, 201) },
  ],
  'GET /samples/{sampleId}': [{ scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/samples/${w!.sampleId}` }), expect: readData(200) }],
  'PATCH /samples/{sampleId}': [
    { scope: 'data', request: (_r, w) => ({ method: 'PATCH', path: `/samples/${w!.sampleId}`, body: { material: 'sediment' } }), expect: restricted(EDITORS, 200) },
  ],
  'GET /samples/{sampleId}/measurements': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/samples/${w!.sampleId}/measurements` }), expect: readData(200) },
  ],
  'POST /samples/{sampleId}/measurements': [
    {
      scope: 'data',
      request: (_r, w) => ({ method: 'POST', path: `/samples/${w!.sampleId}/measurements`, body: { fieldId: w!.fieldId, valueNumber: 2.5 } }),
      expect: restricted(EDITORS, 201),
    },
  ],
  'GET /measurements/{measurementId}': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/measurements/${w!.measurementId}` }), expect: readData(200) },
  ],
  'PATCH /measurements/{measurementId}': [
    { scope: 'data', request: (_r, w) => ({ method: 'PATCH', path: `/measurements/${w!.measurementId}`, body: { method: 'ICP-MS' } }), expect: restricted(EDITORS, 200) },
  ],
  'POST /datasets/{datasetId}/imports': [
    { scope: 'data', request: (_r, w) => ({ method: 'POST', path: `/datasets/${w!.datasetId}/imports`, multipart: true }), expect: restricted(EDITORS, 202) },
  ],
  'GET /datasets/{datasetId}/imports': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/imports` }), expect: readData(200) },
  ],
  'GET /imports/{importId}': [{ scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/imports/${w!.importId}` }), expect: readData(200) }],
  // The world's import finished long ago with no mapping and no issues file, so readers too get
  // 404 here and the states below get 409; import-review-api.test.ts covers the successes.
  'POST /datasets/{datasetId}/samples/lookup': [
    { scope: 'data', request: (_r, w) => ({ method: 'POST', path: `/datasets/${w!.datasetId}/samples/lookup`, body: { ids: [w!.sampleId] } }), expect: readData(200) },
  ],
  'GET /datasets/{datasetId}/samples/{sampleId}/history': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/samples/${w!.sampleId}/history` }), expect: readData(200) },
  ],
  'GET /imports/{importId}/mapping': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/imports/${w!.importId}/mapping` }), expect: readData(404) },
  ],
  'PATCH /imports/{importId}/mapping': [
    { scope: 'data', request: (_r, w) => ({ method: 'PATCH', path: `/imports/${w!.importId}/mapping`, body: {} }), expect: restricted(EDITORS, 409) },
  ],
  'POST /imports/{importId}/start': [
    { scope: 'data', request: (_r, w) => ({ method: 'POST', path: `/imports/${w!.importId}/start`, body: {} }), expect: restricted(EDITORS, 409) },
  ],
  'POST /imports/{importId}/cancel': [
    { scope: 'data', request: (_r, w) => ({ method: 'POST', path: `/imports/${w!.importId}/cancel` }), expect: restricted(EDITORS, 409) },
  ],
  'GET /imports/{importId}/issues.csv': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/imports/${w!.importId}/issues.csv` }), expect: readData(404) },
  ],
  'GET /datasets/{datasetId}/changes': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/datasets/${w!.datasetId}/changes` }), expect: readData(200) },
  ],

  'PUT /projects/{projectId}/members/{userId}': [
    {
      scope: 'data',
      request: async (_r, w) => ({ method: 'PUT', path: `/projects/${w!.projectId}/members/${await throwawayMember(w!.projectId)}`, body: { role: 'editor' } }),
      expect: restricted(MANAGERS, 200),
    },
  ],
  'POST /datasets/{datasetId}/publish': [
    {
      scope: 'data',
      // A fresh draft each time: outsiders never see drafts, so they learn nothing of it.
      request: async (_r, w) => ({ method: 'POST', path: `/datasets/${await throwawayDraft(w!.projectId)}/publish` }),
      expect: (role) => (!isInside(role) ? 404 : PUBLISHERS.includes(role) ? 200 : 403),
    },
  ],
  'GET /projects/{projectId}/follow': [
    { scope: 'data', request: (_r, w) => ({ method: 'GET', path: `/projects/${w!.projectId}/follow` }), expect: visibleSignedIn(200) },
  ],
  'PUT /projects/{projectId}/follow': [
    { scope: 'data', request: (_r, w) => ({ method: 'PUT', path: `/projects/${w!.projectId}/follow` }), expect: visibleSignedIn(200) },
  ],
  'DELETE /projects/{projectId}/follow': [
    { scope: 'data', request: (_r, w) => ({ method: 'DELETE', path: `/projects/${w!.projectId}/follow` }), expect: visibleSignedIn(200) },
  ],

  'GET /notices/active': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/notices/active' }), expect: anyone(200) }],
  'POST /notices/preview': [
    { scope: 'portal', request: () => ({ method: 'POST', path: '/notices/preview', body: { bodyMarkdown: 'Checked', audience: { type: 'everyone' } } }), expect: adminOnly(200) },
  ],
  'GET /notices': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/notices' }), expect: adminOnly(200) }],
  'POST /notices': [{ scope: 'portal', request: () => ({ method: 'POST', path: '/notices', body: NOTICE_BODY }), expect: adminOnly(201) }],
  'GET /notices/{noticeId}': [
    { scope: 'portal', request: async () => ({ method: 'GET', path: `/notices/${await throwawayNotice()}` }), expect: adminOnly(200) },
  ],
  'PATCH /notices/{noticeId}': [
    { scope: 'portal', request: async () => ({ method: 'PATCH', path: `/notices/${await throwawayNotice()}`, body: { title: 'Checked' } }), expect: adminOnly(200) },
  ],
  'POST /notices/{noticeId}/withdraw': [
    { scope: 'portal', request: async () => ({ method: 'POST', path: `/notices/${await throwawayNotice()}/withdraw` }), expect: adminOnly(200) },
  ],
  'POST /notices/{noticeId}/dismiss': [
    { scope: 'portal', request: async () => ({ method: 'POST', path: `/notices/${await throwawayNotice()}/dismiss` }), expect: signedIn(204) },
  ],
  'GET /notifications': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/notifications' }), expect: signedIn(200) }],
  'POST /notifications/read-all': [{ scope: 'portal', request: () => ({ method: 'POST', path: '/notifications/read-all' }), expect: signedIn(200) }],
  'POST /notifications/{notificationId}/read': [
    {
      scope: 'portal',
      // Marks only the caller's own notifications, so an id of someone else's changes nothing.
      request: () => ({ method: 'POST', path: `/notifications/${randomUUID()}/read` }),
      expect: signedIn(200),
    },
  ],
  'GET /notifications/preferences': [{ scope: 'portal', request: () => ({ method: 'GET', path: '/notifications/preferences' }), expect: signedIn(200) }],
  'PATCH /notifications/preferences': [
    { scope: 'portal', request: () => ({ method: 'PATCH', path: '/notifications/preferences', body: {} }), expect: signedIn(200) },
  ],
};

const visibilities = new Map<string, string>();
function visibilityOf(world: World): string {
  return visibilities.get(world.datasetId)!;
}

/** The acknowledgement each event should get, as `ok` or the error code. */
interface EventCase {
  payload(world: World): unknown;
  expect(role: Role, kind: Kind): string;
}

const outcomeOf = (status: number) => ({ 200: 'ok', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' })[status] ?? 'unexpected';

// Live edits ask a guest to sign in before anything else, whichever dataset they name.
const editEvent = (role: Role, kind: Kind) => (role === 'anonymous' ? 'unauthenticated' : outcomeOf(restricted(EDITORS, 200)(role, kind)));

/**
 * Every client-to-server event with an acknowledgement. `presence:update` is volatile and has
 * none; the server takes it only for rooms the socket joined, which live-editing tests cover.
 */
const EVENT_CASES: Record<string, EventCase | null> = {
  'dataset:join': { payload: (w) => ({ datasetId: w.datasetId }), expect: (role, kind) => outcomeOf(readData(200)(role, kind)) },
  'dataset:leave': { payload: (w) => ({ datasetId: w.datasetId }), expect: () => 'ok' },
  'dataset:sync': { payload: (w) => ({ datasetId: w.datasetId, afterSeq: 0 }), expect: (role, kind) => outcomeOf(readData(200)(role, kind)) },
  'dataset:edit': {
    payload: (w) => ({
      datasetId: w.datasetId,
      mutationId: randomBytes(8).toString('hex'),
      baseSeq: 0,
      ops: [{ type: 'sample.insert', sample: { id: randomUUID(), name: 'Matrix row' } }],
    }),
    expect: editEvent,
  },
  // Undoes the row the edit above inserted, then redoes it.
  'dataset:undo': { payload: (w) => ({ datasetId: w.datasetId, mutationId: randomBytes(8).toString('hex') }), expect: editEvent },
  'dataset:redo': { payload: (w) => ({ datasetId: w.datasetId, mutationId: randomBytes(8).toString('hex') }), expect: editEvent },
  'presence:update': null,
};

async function send(role: Role, request: Request): Promise<number> {
  const client = request.client ?? clients.get(role) ?? new TestClient(api.url);
  if (!request.multipart) return (await client.send(request.method, request.path, request.body)).status;

  const form = new FormData();
  form.set('file', new Blob(['name,depth\nA,1\n'], { type: 'text/csv' }), 'rows.csv');
  const response = await fetch(`${api.url}/api/v1${request.path}`, {
    method: request.method,
    headers: client.cookie ? { cookie: client.cookie } : {},
    body: form,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Runs tasks a few at a time, so the server receives concurrent requests without a flood. */
async function inBatches<T>(tasks: (() => Promise<T>)[], size = 6): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += size) {
    results.push(...(await Promise.all(tasks.slice(start, start + size).map((task) => task()))));
  }
  return results;
}

async function createWorld(owner: TestClient, kind: Kind): Promise<World> {
  const project = await owner.post('/projects', { title: `Matrix ${kind}` });
  for (const role of ['viewer', 'editor', 'manager'] as const) {
    const invited = await owner.post(`/projects/${project.body.id}/invitations`, { email: emailOf(role), role });
    expect(invited.status).toBe(201);
  }
  const access = {
    private: { visibility: 'private', state: 'published' },
    internal: { visibility: 'internal', state: 'published' },
    public: { visibility: 'public', state: 'published' },
    embargoed: { visibility: 'public', state: 'published', embargoUntil: new Date(Date.now() + 365 * 86_400_000).toISOString() },
    draft: { visibility: 'public', state: 'draft' },
  }[kind];
  const dataset = await owner.post(`/projects/${project.body.id}/datasets`, { title: `Matrix ${kind} data`, ...access });
  expect(dataset.status).toBe(201);
  visibilities.set(dataset.body.id, access.visibility);

  const field = await owner.post(`/datasets/${dataset.body.id}/fields`, { label: 'Depth', key: 'depth', type: 'number', unit: 'm' });
  const sample = await owner.post(`/datasets/${dataset.body.id}/samples`, { name: 'S1', values: { depth: 1.5 } });
  const measurement = await owner.post(`/samples/${sample.body.id}/measurements`, { fieldId: field.body.id, valueNumber: 1.5 });
  const projectContributor = await owner.post(`/projects/${project.body.id}/contributors`, { name: 'Lead, Project', roles: ['ProjectLeader'] });
  const datasetContributor = await owner.post(`/datasets/${dataset.body.id}/contributors`, {
    name: 'Lovelace, Ada',
    orcid: '0000-0002-1825-0097',
    roles: ['Creator'],
  });
  const [importRow] = await knex('imports')
    .insert({ datasetId: dataset.body.id, originalName: 'old.csv', storageKey: 'imports/none', sizeBytes: 1, checksumSha256: '0'.repeat(64), format: 'csv', state: 'completed' })
    .returning('id');
  return {
    projectId: project.body.id,
    datasetId: dataset.body.id,
    fieldId: field.body.id,
    sampleId: sample.body.id,
    measurementId: measurement.body.id,
    importId: importRow.id,
    projectContributorId: projectContributor.body.id,
    datasetContributorId: datasetContributor.body.id,
  };
}

function openSocket(cookie: string): Promise<ClientSocket> {
  const socket: ClientSocket = connect(api.url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

beforeAll(async () => {
  api = await startApiServer();
  knex = api.server.context.knex;
  const admin = await new TestClient(api.url).signIn();
  clients.set('admin', admin);
  clients.set('anonymous', new TestClient(api.url));
  userIds.set('admin', (await admin.get('/auth/session')).body.user.id);

  for (const role of ['member', 'viewer', 'editor', 'manager', 'owner', 'curator'] as const) {
    const created = await admin.post('/users', { email: emailOf(role), displayName: role, password: PASSWORD, role: role === 'curator' ? 'curator' : 'member' });
    expect(created.status).toBe(201);
    userIds.set(role, created.body.id);
  }
  const owner = await new TestClient(api.url).signIn(emailOf('owner'), PASSWORD);
  clients.set('owner', owner);
  for (const kind of KINDS) worlds.set(kind, await createWorld(owner, kind));

  // Signing in accepts the invitations addressed to each invited member.
  for (const role of ['member', 'viewer', 'editor', 'manager', 'curator'] as const) {
    clients.set(role, await new TestClient(api.url).signIn(emailOf(role), PASSWORD));
  }
}, 120_000);

afterAll(async () => {
  sockets.forEach((socket) => socket.disconnect());
  await api?.close();
});

describe('permission matrix', () => {
  it('has an expectation for every route', () => {
    const registered = apiRoutes(api.server.context).map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(registered.filter((key) => !(key in ROUTE_CASES))).toEqual([]);
    expect(Object.keys(ROUTE_CASES).filter((key) => !registered.includes(key))).toEqual([]);
  });

  it('names a permission on every route', () => {
    const unnamed = apiRoutes(api.server.context).filter((route) => route.permission === undefined);
    expect(unnamed.map((route) => `${route.method.toUpperCase()} ${route.path}`)).toEqual([]);
  });

  it('has an expectation and a rule for every socket event', async () => {
    const socket = await openSocket(clients.get('admin')!.cookie);
    // The listeners the server registered on its side of this connection are the events it handles.
    const reserved = new Set(['error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
    const handledEvents = api.server.io.sockets.sockets
      .get(socket.id!)!
      .eventNames()
      .map(String)
      .filter((event) => !reserved.has(event));
    expect(handledEvents).toContain('dataset:join');
    expect(handledEvents.filter((event) => !(event in EVENT_PERMISSIONS))).toEqual([]);
    expect(Object.keys(EVENT_PERMISSIONS).filter((event) => !(event in EVENT_CASES))).toEqual([]);
    expect(Object.keys(EVENT_CASES).filter((event) => !(event in EVENT_PERMISSIONS))).toEqual([]);
  });

  it('answers every route as the rules say', async () => {
    const tasks: (() => Promise<string | null>)[] = [];
    for (const [key, cases] of Object.entries(ROUTE_CASES)) {
      for (const [index, routeCase] of cases.entries()) {
        const kinds: (Kind | null)[] = routeCase.scope === 'data' ? [...KINDS] : [null];
        for (const kind of kinds) {
          for (const role of ROLES) {
            tasks.push(async () => {
              const world = kind === null ? null : worlds.get(kind)!;
              const expected = routeCase.expect(role, kind);
              const status = await send(role, await routeCase.request(role, world));
              return status === expected ? null : `${key} #${index} as ${role} on ${kind ?? 'portal'}: expected ${expected}, got ${status}`;
            });
          }
        }
      }
    }
    const mismatches = (await inBatches(tasks)).filter((line): line is string => line !== null);
    expect(tasks.length).toBeGreaterThan(1500);
    expect(mismatches).toEqual([]);
  }, 240_000);

  it('answers every socket event as the rules say', async () => {
    const mismatches: string[] = [];
    for (const role of ROLES) {
      const socket = await openSocket(clients.get(role)!.cookie);
      for (const kind of KINDS) {
        for (const [event, eventCase] of Object.entries(EVENT_CASES)) {
          if (eventCase === null) continue;
          const payload = eventCase.payload(worlds.get(kind)!);
          const reply = (await socket.emitWithAck(event as 'dataset:join', payload as { datasetId: string })) as { ok: boolean; error?: { code: string } };
          const outcome = reply.ok ? 'ok' : reply.error!.code;
          const expected = eventCase.expect(role, kind);
          if (outcome !== expected) mismatches.push(`${event} as ${role} on ${kind}: expected ${expected}, got ${outcome}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('ends sessions as the rules say', async () => {
    for (const role of ROLES) {
      const everywhere = await send(role, { method: 'POST', path: '/account/sign-out-everywhere', ...(role === 'anonymous' ? {} : { client: (await extraSession(role)).client }) });
      expect(everywhere, `sign-out everywhere as ${role}`).toBe(role === 'anonymous' ? 401 : 204);
      const signOut = await send(role, { method: 'POST', path: '/auth/sign-out' });
      expect(signOut, `sign-out as ${role}`).toBe(204);
    }
  });
});
