import type { Knex } from 'knex';
import type { QueryBuilder } from 'objection';
import type { NoticeAudience } from '../../common/api/notices.js';
import type { Action } from '../../common/api/permissions.js';
import { ACTIONS } from '../../common/api/permissions.js';
import type { ProjectRole } from '../../common/api/projects.js';
import { Dataset } from '../db/models/dataset.js';
import type { Project } from '../db/models/project.js';
import { ProjectMember } from '../db/models/project-member.js';
import { HttpError } from '../http/http-error.js';
import { isSignedIn, type Actor, type SignedInActor } from './actor.js';
import { PERMISSIONS, ROLES_MANAGERS_MAY_ASSIGN, type PermissionRule } from './permissions.js';

/**
 * Every permission decision of the portal is made in this file, from the table in
 * permissions.ts, for REST routes and socket handlers alike. A project or dataset the actor may
 * not see gets 404, so its existence does not leak. One they may see but not change gets 401
 * for an anonymous visitor and 403 for a signed-in user.
 */

/** The subject of a decision: the portal as a whole, a project or a dataset. */
export type Subject = { type: 'portal' } | { type: 'project'; project: Project } | { type: 'dataset'; dataset: Dataset };

export const PORTAL: Subject = { type: 'portal' };

/** The outcome of a decision, before it becomes a response or an error. */
export type Decision = 'allow' | 'hidden' | 'unauthenticated' | 'forbidden' | 'embargoed' | 'token-scope';

/**
 * The facts a decision needs beyond the table: the actor's role in the subject's project, and
 * whether people outside the project may see the subject. They are read once, and then every
 * action is decided from them without further queries.
 */
interface DecisionContext {
  role: ProjectRole | null;
  open: boolean;
}

/** Decides whether the actor may take the action on the subject. */
export async function decide(actor: Actor, action: Action, subject: Subject): Promise<Decision> {
  return decideIn(actor, action, subject, await loadContext(actor, subject));
}

/** Decides an action and throws the error of a denied decision: 404, 401 or 403. */
export async function authorize(actor: Actor, action: Action, subject: Subject): Promise<void> {
  const decision = await decide(actor, action, subject);
  if (decision !== 'allow') throw deniedError(decision, actor, action, subject);
}

/** Tells whether the actor may take the action, without throwing. */
export async function can(actor: Actor, action: Action, subject: Subject): Promise<boolean> {
  return (await decide(actor, action, subject)) === 'allow';
}

/** Lists the actions the actor may take on a project or dataset, with their role there. */
export async function permittedActions(actor: Actor, subject: Subject): Promise<{ role: ProjectRole | null; actions: Action[] }> {
  const context = await loadContext(actor, subject);
  const actions = ACTIONS.filter((action) => decideIn(actor, action, subject, context) === 'allow');
  return { role: context.role, actions };
}

/**
 * Rejects a request made with an API token whose scope the action's rule does not allow. Runs
 * for every route before its handler, so even routes that need no subject honour token scopes.
 */
export function assertCredentialScope(actor: Actor, action: Action): void {
  if (!credentialAllows(actor, PERMISSIONS[action])) throw deniedError('token-scope', actor, action, PORTAL);
}

/** Rejects an anonymous actor with 401. */
export function requireSignedIn(actor: Actor): SignedInActor {
  if (!isSignedIn(actor)) {
    throw new HttpError('unauthenticated', 'Sign in to do this: POST /api/v1/auth/sign-in.');
  }
  return actor;
}

/** Checks a portal-level action, such as reading the audit log, and returns the signed-in actor. */
export async function authorizePortal(actor: Actor, action: Action): Promise<SignedInActor> {
  await authorize(actor, action, PORTAL);
  return requireSignedIn(actor);
}

/** Any signed-in user may create a project and becomes its owner. */
export async function authorizeProjectCreate(actor: Actor): Promise<SignedInActor> {
  return authorizePortal(actor, 'project.create');
}

/** The capabilities of the first policy, kept for handlers written against it. */
export type Capability = 'read' | 'edit' | 'update';

const PROJECT_CAPABILITIES: Record<Capability, Action> = {
  read: 'project.read',
  edit: 'project.datasets.create',
  update: 'project.update',
};

// `read` means the data, the stricter of the two read actions, so older callers never show
// embargoed rows.
const DATASET_CAPABILITIES: Record<Capability, Action> = {
  read: 'dataset.read-data',
  edit: 'dataset.edit-data',
  update: 'dataset.update',
};

/** Checks a capability on a project; throws 404 when the actor may not even read it. */
export async function authorizeProject(actor: Actor, capability: Capability | Action, project: Project): Promise<void> {
  const action = capability in PROJECT_CAPABILITIES ? PROJECT_CAPABILITIES[capability as Capability] : (capability as Action);
  await authorize(actor, action, { type: 'project', project });
}

/** Checks a capability on a dataset; throws 404 when the actor may not even read it. */
export async function authorizeDataset(actor: Actor, capability: Capability | Action, dataset: Dataset): Promise<void> {
  const action = capability in DATASET_CAPABILITIES ? DATASET_CAPABILITIES[capability as Capability] : (capability as Action);
  await authorize(actor, action, { type: 'dataset', dataset });
}

/**
 * Decides an action on a dataset from the actor's project role, for callers that read the role
 * together with other rows in one query (the live-edit path reads it with the dataset's state).
 */
export function decideDataset(
  actor: Actor,
  role: ProjectRole | null,
  capability: Capability | Action,
  dataset: Pick<Dataset, 'id' | 'projectId' | 'visibility' | 'state' | 'embargoUntil'>,
): void {
  const action = capability in DATASET_CAPABILITIES ? DATASET_CAPABILITIES[capability as Capability] : (capability as Action);
  const subject: Subject = { type: 'dataset', dataset: dataset as Dataset };
  const decision = decideIn(actor, action, subject, { role, open: isDatasetOpen(actor, dataset) });
  if (decision !== 'allow') throw deniedError(decision, actor, action, subject);
}

/**
 * Checks that the actor may give or take away a project role: owners and admins may handle
 * every role, managers every role but owner.
 */
export async function authorizeRoleChange(actor: Actor, project: Project, roles: (ProjectRole | null)[]): Promise<void> {
  await authorizeProject(actor, 'project.members.manage', project);
  if (!isSignedIn(actor) || actor.role === 'admin') return;

  const own = await roleIn(actor, { type: 'project', project });
  if (own === 'owner') return;
  const touchesOwner = roles.some((role) => role !== null && !ROLES_MANAGERS_MAY_ASSIGN.includes(role));
  if (touchesOwner) throw new HttpError('forbidden', 'Only an owner of the project or a portal admin may grant or take away the owner role.');
}

/** Limits a dataset query to the datasets whose metadata the actor may read. */
export function scopeReadableDatasets(query: QueryBuilder<Dataset, Dataset[]>, actor: Actor): QueryBuilder<Dataset, Dataset[]> {
  if (!isSignedIn(actor)) return query.where('datasets.visibility', 'public').where('datasets.state', 'published');
  if (actor.role === 'admin' || actor.role === 'curator') return query;

  return query.where((visible) =>
    visible
      .where((published) => published.whereIn('datasets.visibility', ['public', 'internal']).where('datasets.state', 'published'))
      .orWhereIn('datasets.projectId', memberProjectIds(actor.id)),
  );
}

/** Limits a project query to the projects the actor may read. */
export function scopeReadableProjects<Q extends QueryBuilder<Project, Project[]>>(query: Q, actor: Actor): Q {
  if (isSignedIn(actor) && (actor.role === 'admin' || actor.role === 'curator')) return query;

  const visibleDatasets = scopeReadableDatasets(Dataset.query().select('datasets.projectId'), actor);
  return query.where((visible) => {
    visible.whereIn('projects.id', visibleDatasets);
    if (isSignedIn(actor)) visible.orWhereIn('projects.id', memberProjectIds(actor.id));
  }) as Q;
}

function memberProjectIds(userId: string) {
  return ProjectMember.query().select('projectId').where('userId', userId);
}

/** Reads the actor's role in the subject's project, or returns null. */
export async function roleIn(actor: Actor, subject: Subject): Promise<ProjectRole | null> {
  if (!isSignedIn(actor) || subject.type === 'portal') return null;
  const projectId = subject.type === 'project' ? subject.project.id : subject.dataset.projectId;
  const member = await ProjectMember.query().findById([projectId, actor.id]);
  return member?.role ?? null;
}

async function loadContext(actor: Actor, subject: Subject): Promise<DecisionContext> {
  const role = await roleIn(actor, subject);
  if (subject.type === 'portal') return { role, open: false };
  if (subject.type === 'dataset') return { role, open: isDatasetOpen(actor, subject.dataset) };

  // A project is open to outsiders when one of its datasets is.
  const open = await Dataset.query()
    .where('projectId', subject.project.id)
    .where('state', 'published')
    .whereIn('visibility', isSignedIn(actor) ? ['public', 'internal'] : ['public'])
    .select('id')
    .first();
  return { role, open: open !== undefined };
}

function decideIn(actor: Actor, action: Action, subject: Subject, context: DecisionContext): Decision {
  const rule = PERMISSIONS[action];
  if (subject.type !== 'portal' && !isVisible(actor, context)) return 'hidden';

  const granted = isGranted(actor, rule, subject, context);
  if (granted === 'allow' && !credentialAllows(actor, rule)) return 'token-scope';
  if (granted === 'allow') return 'allow';
  if (granted === 'embargoed') return 'embargoed';
  return isSignedIn(actor) ? 'forbidden' : 'unauthenticated';
}

function isGranted(actor: Actor, rule: PermissionRule, subject: Subject, context: DecisionContext): 'allow' | 'deny' | 'embargoed' {
  if (isSignedIn(actor) && rule.portalRoles.includes(actor.role)) return 'allow';
  if (context.role !== null && rule.projectRoles.includes(context.role)) return 'allow';

  switch (rule.others) {
    case 'anyone':
      return 'allow';
    case 'signed-in':
      return isSignedIn(actor) ? 'allow' : 'deny';
    case 'visible':
      return context.open ? 'allow' : 'deny';
    case 'visible-unembargoed':
      if (subject.type !== 'dataset' || !context.open) return 'deny';
      return isEmbargoed(subject.dataset) ? 'embargoed' : 'allow';
    case 'nobody':
      return 'deny';
  }
}

/** Tells whether the actor may see the subject at all; a subject they may not see gets 404. */
function isVisible(actor: Actor, context: DecisionContext): boolean {
  if (context.role !== null) return true;
  if (isSignedIn(actor) && (actor.role === 'admin' || actor.role === 'curator')) return true;
  return context.open;
}

/** Tells whether people outside the project see the dataset: published, and public or internal to a signed-in user. */
function isDatasetOpen(actor: Actor, dataset: Pick<Dataset, 'state' | 'visibility'>): boolean {
  if (dataset.state !== 'published') return false;
  if (dataset.visibility === 'public') return true;
  return dataset.visibility === 'internal' && isSignedIn(actor);
}

/** Tells whether the dataset's embargo date lies in the future. */
export function isEmbargoed(dataset: Pick<Dataset, 'embargoUntil'>, now: Date = new Date()): boolean {
  return dataset.embargoUntil !== null && new Date(dataset.embargoUntil).getTime() > now.getTime();
}

function credentialAllows(actor: Actor, rule: PermissionRule): boolean {
  if (!isSignedIn(actor) || actor.credential?.kind !== 'token') return true;
  if (rule.scope === 'session') return false;
  return rule.scope === 'read' || actor.credential.scope === 'write';
}

function deniedError(decision: Exclude<Decision, 'allow'>, actor: Actor, action: Action, subject: Subject): HttpError {
  switch (decision) {
    case 'hidden':
      return subject.type === 'dataset'
        ? new HttpError('not_found', `Dataset ${subject.dataset.id} was not found.`)
        : new HttpError('not_found', `Project ${subject.type === 'project' ? subject.project.id : ''} was not found.`);
    case 'unauthenticated':
      return new HttpError('unauthenticated', `Sign in to do this (${PERMISSIONS[action].summary.toLowerCase()}): POST /api/v1/auth/sign-in.`);
    case 'embargoed':
      return new HttpError(
        'forbidden',
        `The data of this dataset are under embargo until ${new Date((subject as { dataset: Dataset }).dataset.embargoUntil!).toISOString()}; only its metadata is visible.`,
      );
    case 'token-scope':
      return new HttpError('forbidden', tokenScopeMessage(actor, action));
    case 'forbidden':
      return new HttpError('forbidden', `Your roles do not allow this: ${PERMISSIONS[action].summary.toLowerCase()}. See docs/permissions.md.`);
  }
}

function tokenScopeMessage(actor: Actor, action: Action): string {
  if (PERMISSIONS[action].scope === 'session') return 'API tokens cannot do this; sign in with a browser session.';
  return `This API token is ${isSignedIn(actor) && actor.credential?.kind === 'token' ? actor.credential.scope : 'read'}-only; create a write token to do this.`;
}

/**
 * Lists the projects whose rooms a user's sockets join: those the user is a member of. Project notices
 * are sent only to these rooms, so they never reach a non-member, admins included.
 */
export async function noticeProjectIdsOf(actor: Actor): Promise<string[]> {
  if (!isSignedIn(actor)) return [];
  const memberships = await ProjectMember.query().where('userId', actor.id).select('projectId');
  return memberships.map((membership) => membership.projectId);
}

/** Checks whether a notice's audience includes the actor: everyone, the actor's portal role, or a project the actor is a member of. */
export async function isInNoticeAudience(actor: Actor, audience: NoticeAudience): Promise<boolean> {
  if (audience.type === 'everyone') return true;
  if (!isSignedIn(actor)) return false;
  if (audience.type === 'role') return actor.role === audience.role;
  const member = await ProjectMember.query().findById([audience.projectId, actor.id]);
  return member !== undefined;
}

/** Limits a query of the `notices` table to the notices whose audience includes the actor, by the rules of isInNoticeAudience. */
export function scopeNoticeAudience(knex: Knex, query: Knex.QueryBuilder, actor: Actor): Knex.QueryBuilder {
  return query.where((audience) => {
    audience.where('notices.audienceType', 'everyone');
    if (!isSignedIn(actor)) return;
    audience
      .orWhere((role) => role.where('notices.audienceType', 'role').where('notices.audienceRole', actor.role))
      .orWhere((project) =>
        project
          .where('notices.audienceType', 'project')
          .whereIn('notices.audienceProjectId', knex('project_members').select('projectId').where('userId', actor.id)),
      );
  });
}

/**
 * Limits a query of users to those who may read a published dataset, so a publication is
 * announced only to followers who can open it. Public and internal datasets are open to every
 * account, private ones to project members, admins and curators, as the role table grants.
 */
export function scopeDatasetReaders(knex: Knex, query: Knex.QueryBuilder, dataset: Pick<Dataset, 'projectId' | 'visibility'>): Knex.QueryBuilder {
  if (dataset.visibility !== 'private') return query;
  return query.where((readers) =>
    readers
      .whereIn('users.role', ['admin', 'curator'])
      .orWhereIn('users.id', knex('project_members').select('userId').where('projectId', dataset.projectId)),
  );
}
