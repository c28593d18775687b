import { z } from 'zod';
import { pageOf, uuid } from '../../../common/api/common.js';
import { user, userCreate, userListQuery, userUpdate } from '../../../common/api/users.js';
import { authorizePortal } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { User } from '../../db/models/user.js';
import { recordAudit } from '../../domain/audit.js';
import { createUser, getUser, toUserDto } from '../../domain/users.js';
import { moduleLogger } from '../../observability/logger.js';
import { HttpError } from '../http-error.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const log = moduleLogger('users');
const userParams = z.object({ userId: uuid });

/** Accounts, managed by portal admins. */
export function userRoutes(context: AppContext): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create an account (admins only)',
      tags: ['users'],
      permission: 'users.manage',
      body: userCreate,
      success: { status: 201, description: 'The new account', schema: user },
      errors: ['unauthenticated', 'forbidden', 'conflict'],
      async handler({ body, actor, req }) {
        const admin = await authorizePortal(actor, 'users.manage');
        const created = await createUser(body);
        await recordAudit({ action: 'user.create', actor, target: { type: 'user', id: created.id }, details: { role: created.role }, ip: req.ip ?? null });
        log.info({ userId: created.id, by: admin.id, role: created.role }, 'created account');
        return toUserDto(created);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'List accounts, oldest first (admins only)',
      tags: ['users'],
      permission: 'users.read',
      query: userListQuery,
      success: { status: 200, description: 'A page of accounts', schema: pageOf(user) },
      errors: ['unauthenticated', 'forbidden'],
      async handler({ query, actor }) {
        await authorizePortal(actor, 'users.read');
        const rows = User.query().orderBy([{ column: 'createdAt' }, { column: 'id' }]).limit(query.limit + 1);
        if (query.cursor) {
          const [afterId] = decodeCursor(query.cursor, ['uuid']);
          rows.whereRaw('(users.created_at, users.id) > (SELECT created_at, id FROM users WHERE id = ?::uuid)', [afterId]);
        }
        return toPage(await rows, query.limit, (last) => [last.id], toUserDto);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/users/{userId}',
      operationId: 'updateUser',
      summary: "Change an account's portal role or display name (admins only)",
      description: 'A lowered role takes effect at once: the account’s sockets leave the dataset rooms it may no longer read.',
      tags: ['users'],
      permission: 'users.manage',
      params: userParams,
      body: userUpdate,
      success: { status: 200, description: 'The changed account', schema: user },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      async handler({ params, body, actor, req }) {
        await authorizePortal(actor, 'users.manage');
        const before = await getUser(params.userId);
        if (before.role === 'admin' && body.role !== undefined && body.role !== 'admin') await assertAnotherAdmin(before.id);

        if (Object.keys(body).length > 0) await User.query().patch(body).where('id', before.id);
        const after = await getUser(before.id);
        await recordAudit({
          action: 'user.update',
          actor,
          target: { type: 'user', id: after.id },
          details: { roleBefore: before.role, roleAfter: after.role, ...(body.displayName ? { displayName: body.displayName } : {}) },
          ip: req.ip ?? null,
        });
        if (before.role !== after.role) await context.socketAccess.revalidateUser(after.id);
        return toUserDto(after);
      },
    }),
  ];
}

async function assertAnotherAdmin(userId: string): Promise<void> {
  const others = await User.query().where('role', 'admin').whereNot('id', userId).resultSize();
  if (others === 0) throw new HttpError('conflict', 'The portal needs at least one admin; make another account admin first.');
}
