import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../common/api/permissions.js';
import { renderPermissionsDoc } from '../../server/auth/permissions-doc.js';
import { EVENT_PERMISSIONS, PERMISSIONS } from '../../server/auth/permissions.js';
import { documentedRoutes } from '../../scripts/permissions-routes.js';
import { REPO_ROOT } from '../helpers/processes.js';

describe('docs/permissions.md', () => {
  it('matches the permission table', () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'docs/permissions.md'), 'utf8');
    // On a mismatch, run `npm run docs:permissions` and commit the result.
    expect(committed).toBe(renderPermissionsDoc(documentedRoutes()));
  });

  it('lists every action, route and event', () => {
    const page = renderPermissionsDoc(documentedRoutes());
    for (const action of ACTIONS) expect(page).toContain(`| \`${action}\` | ${PERMISSIONS[action].scope} |`);
    for (const route of documentedRoutes()) expect(page).toContain(`| ${route.method.toUpperCase()} | \`${route.path}\` |`);
    for (const event of Object.keys(EVENT_PERMISSIONS)) expect(page).toContain(`| \`${event}\` |`);
  });

  it('gives every admin-only action to admins alone', () => {
    for (const action of ['users.read', 'users.manage', 'audit.read'] as const) {
      expect(PERMISSIONS[action].portalRoles).toEqual(['admin']);
      expect(PERMISSIONS[action].projectRoles).toEqual([]);
      expect(PERMISSIONS[action].others).toBe('nobody');
    }
  });
});
