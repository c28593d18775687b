import { auditEntry, auditQuery } from '../../../common/api/audit.js';
import { pageOf } from '../../../common/api/common.js';
import { authorizePortal } from '../../auth/policy.js';
import { listAudit, toAuditDto } from '../../domain/audit.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

/** The audit log, for admins. */
export function auditRoutes(): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/audit-log',
      operationId: 'listAuditLog',
      summary: 'Read the audit log, newest first (admins only)',
      description: 'Sign-ins, sign-outs everywhere, password resets, token changes, role and membership changes, visibility changes and admin actions.',
      tags: ['admin'],
      permission: 'audit.read',
      query: auditQuery,
      success: { status: 200, description: 'A page of audit entries', schema: pageOf(auditEntry) },
      errors: ['unauthenticated', 'forbidden'],
      async handler({ query, actor }) {
        await authorizePortal(actor, 'audit.read');
        const beforeId = query.cursor ? decodeCursor(query.cursor, ['number'])[0] : null;
        const rows = await listAudit({ action: query.action, actorId: query.actorId, targetId: query.targetId, beforeId, limit: query.limit });
        return toPage(rows, query.limit, (last) => [last.id], toAuditDto);
      },
    }),
  ];
}
