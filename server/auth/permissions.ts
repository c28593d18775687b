import type { Action } from '../../common/api/permissions.js';
import type { ProjectRole } from '../../common/api/projects.js';
import type { PortalRole } from '../../common/api/users.js';
import type { ClientToServerEvents } from '../../common/events.js';

/**
 * The credential an action needs. `read` works with any session or token, and `write` with a
 * session or a write token. `session` works only with a browser session, so a leaked token
 * cannot mint tokens, end sessions or change the account.
 */
export type CredentialScope = 'read' | 'write' | 'session';

/**
 * Who may act beyond the listed roles:
 * - `nobody`: only the listed project and portal roles;
 * - `signed-in`: every signed-in user;
 * - `anyone`: also anonymous visitors;
 * - `visible`: everyone who sees the project or dataset. People outside the project see a
 *   published dataset that is public, or internal when they are signed in, and a project with
 *   such a dataset;
 * - `visible-unembargoed`: as `visible`, and the dataset's embargo date has passed.
 */
export type Others = 'nobody' | 'signed-in' | 'anyone' | 'visible' | 'visible-unembargoed';

export interface PermissionRule {
  summary: string;
  scope: CredentialScope;
  projectRoles: readonly ProjectRole[];
  portalRoles: readonly PortalRole[];
  others: Others;
}

const ALL_PROJECT_ROLES = ['owner', 'manager', 'editor', 'viewer'] as const;
const EDITORS = ['owner', 'manager', 'editor'] as const;
const MANAGERS = ['owner', 'manager'] as const;
const READ_ALL = ['admin', 'curator'] as const;
const ADMIN = ['admin'] as const;

/**
 * THE permission table: every REST route (its `permission`) and every Socket.IO event
 * (EVENT_PERMISSIONS) names one of these actions, and policy.ts decides with this table alone.
 * docs/permissions.md is generated from it; a test fails when the two differ.
 */
export const PERMISSIONS: Record<Action, PermissionRule> = {
  'system.read': { summary: 'Read health, client settings and the API description', scope: 'read', projectRoles: [], portalRoles: [], others: 'anyone' },
  'auth.public': { summary: 'Sign in, sign up, verify an email address, reset a password, read or end the own session', scope: 'session', projectRoles: [], portalRoles: [], others: 'anyone' },
  'account.read': { summary: 'List the own API tokens, sessions, invitations and claimable contributor records', scope: 'session', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'account.manage': { summary: 'Create and revoke the own API tokens, end sessions, sign out everywhere, accept invitations', scope: 'session', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'users.read': { summary: 'List accounts', scope: 'read', projectRoles: [], portalRoles: ADMIN, others: 'nobody' },
  'users.manage': { summary: 'Create accounts and change portal roles', scope: 'write', projectRoles: [], portalRoles: ADMIN, others: 'nobody' },
  'audit.read': { summary: 'Read the audit log', scope: 'read', projectRoles: [], portalRoles: ADMIN, others: 'nobody' },
  'projects.list': { summary: 'List projects and datasets (each listing holds only what the caller may see)', scope: 'read', projectRoles: [], portalRoles: [], others: 'anyone' },
  'project.create': { summary: 'Create a project and become its owner', scope: 'write', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'project.read': { summary: "Read a project and its contributors", scope: 'read', projectRoles: ALL_PROJECT_ROLES, portalRoles: READ_ALL, others: 'visible' },
  'project.update': { summary: "Change a project's metadata and contributors", scope: 'write', projectRoles: MANAGERS, portalRoles: ADMIN, others: 'nobody' },
  'project.members.read': { summary: "List a project's members and invitations", scope: 'read', projectRoles: ALL_PROJECT_ROLES, portalRoles: READ_ALL, others: 'nobody' },
  'project.members.manage': { summary: 'Invite, change and remove members (only owners and admins grant or take the owner role)', scope: 'write', projectRoles: MANAGERS, portalRoles: ADMIN, others: 'nobody' },
  'project.follow': { summary: 'Follow a project to hear when its datasets are published, and stop following it', scope: 'write', projectRoles: ALL_PROJECT_ROLES, portalRoles: READ_ALL, others: 'visible' },
  'project.datasets.create': { summary: 'Create a dataset in a project', scope: 'write', projectRoles: EDITORS, portalRoles: ADMIN, others: 'nobody' },
  'dataset.read-metadata': { summary: "Read a dataset's metadata, fields and contributors", scope: 'read', projectRoles: ALL_PROJECT_ROLES, portalRoles: READ_ALL, others: 'visible' },
  'dataset.read-data': { summary: "Read a dataset's samples, measurements, changes and imports, and join its live room", scope: 'read', projectRoles: ALL_PROJECT_ROLES, portalRoles: READ_ALL, others: 'visible-unembargoed' },
  'dataset.edit-data': { summary: "Change a dataset's fields, samples and measurements, and upload files into it", scope: 'write', projectRoles: EDITORS, portalRoles: ADMIN, others: 'nobody' },
  'dataset.update': { summary: "Change a dataset's descriptive metadata and contributors", scope: 'write', projectRoles: MANAGERS, portalRoles: ADMIN, others: 'nobody' },
  'dataset.publish': { summary: "Change a dataset's visibility, draft or published state and embargo date", scope: 'write', projectRoles: MANAGERS, portalRoles: READ_ALL, others: 'nobody' },
  'contributor.claim': { summary: 'Claim a contributor record that carries the own verified ORCID iD', scope: 'write', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'notices.read': { summary: 'Read the notices active for oneself', scope: 'read', projectRoles: [], portalRoles: [], others: 'anyone' },
  'notices.dismiss': { summary: 'Dismiss a dismissible notice on all the own devices', scope: 'write', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'notices.list': { summary: 'List every notice, past and scheduled ones included, and read any of them', scope: 'read', projectRoles: [], portalRoles: ADMIN, others: 'nobody' },
  'notices.manage': { summary: 'Preview, publish, schedule, edit and withdraw notices, including maintenance', scope: 'write', projectRoles: [], portalRoles: ADMIN, others: 'nobody' },
  'notifications.read': { summary: 'Read the own notifications and notification preferences', scope: 'read', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'notifications.manage': { summary: 'Mark the own notifications read and change the own preferences', scope: 'write', projectRoles: [], portalRoles: [], others: 'signed-in' },
  'rooms.leave': { summary: 'Leave a live room', scope: 'read', projectRoles: [], portalRoles: [], others: 'anyone' },
};

/**
 * The action a Socket.IO event needs. `dataset`: checked by the event guard on the dataset the
 * event names; `none`: checked without a subject; `handler`: the handler decides this action
 * itself from the rows it reads for the event anyway (a live edit reads the user's role with the
 * rows it changes, so an edit stays one read and one write), and the guard checks only the
 * credential's scope.
 */
export interface EventRule {
  action: Action;
  subject: 'dataset' | 'none' | 'handler';
}

/**
 * The rule of every client-to-server event. The Record type makes the compiler reject an event
 * added to the event map without a rule here, and the socket server refuses any event that is
 * missing from this table at run time.
 */
export const EVENT_PERMISSIONS: Record<keyof ClientToServerEvents, EventRule> = {
  'dataset:join': { action: 'dataset.read-data', subject: 'dataset' },
  'dataset:leave': { action: 'rooms.leave', subject: 'none' },
  'dataset:edit': { action: 'dataset.edit-data', subject: 'handler' },
  'dataset:undo': { action: 'dataset.edit-data', subject: 'handler' },
  'dataset:redo': { action: 'dataset.edit-data', subject: 'handler' },
  'dataset:sync': { action: 'dataset.read-data', subject: 'handler' },
  // Presence is taken only for rooms the socket joined, which needed dataset.read-data.
  'presence:update': { action: 'dataset.read-data', subject: 'handler' },
};

/** Project roles a manager may grant or take away; owners and admins may grant every role. */
export const ROLES_MANAGERS_MAY_ASSIGN: readonly ProjectRole[] = ['manager', 'editor', 'viewer'];
