import type { Request } from 'express';
import { session, signIn, user, userCreate } from '../../../common/api/users.js';
import { isSignedIn } from '../../auth/actor.js';
import { verifyPassword } from '../../auth/passwords.js';
import { requireAdmin } from '../../auth/policy.js';
import { SESSION_COOKIE } from '../../auth/session.js';
import { createUser, findUserByEmail, toUserDto } from '../../domain/users.js';
import { moduleLogger } from '../../observability/logger.js';
import { HttpError } from '../http-error.js';
import { defineRoute, type Route } from '../route.js';

const log = moduleLogger('auth');

/** Sign-in, sign-out, the current session, and account creation by admins. */
export function authRoutes(): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/sign-in',
      operationId: 'signIn',
      summary: 'Sign in with email and password; sets the session cookie',
      tags: ['auth'],
      body: signIn,
      success: { status: 200, description: 'Signed in', schema: session },
      errors: ['unauthenticated'],
      readOnly: 'allowed',
      async handler({ body, req }) {
        const account = await findUserByEmail(body.email);
        const valid = await verifyPassword(account?.passwordHash ?? null, body.password);
        if (!account || !valid) {
          log.info({ reason: 'invalid credentials' }, 'sign-in rejected');
          throw new HttpError('unauthenticated', 'The email address or password is not correct.');
        }
        await regenerate(req);
        req.session.userId = account.id;
        log.info({ userId: account.id }, 'signed in');
        return { user: toUserDto(account) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/sign-out',
      operationId: 'signOut',
      summary: 'End the session',
      tags: ['auth'],
      success: { status: 204, description: 'Signed out' },
      errors: [],
      readOnly: 'allowed',
      async handler({ req, res }) {
        await new Promise<void>((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
        res.clearCookie(SESSION_COOKIE);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/session',
      operationId: 'getSession',
      summary: 'The signed-in user, or null',
      tags: ['auth'],
      success: { status: 200, description: 'The session', schema: session },
      errors: [],
      async handler({ actor }) {
        if (!isSignedIn(actor)) return { user: null };
        const account = await findUserByEmail(actor.email);
        return { user: account ? toUserDto(account) : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create an account (admins only)',
      tags: ['auth'],
      body: userCreate,
      success: { status: 201, description: 'The new account', schema: user },
      errors: ['unauthenticated', 'forbidden', 'conflict'],
      async handler({ body, actor }) {
        const admin = requireAdmin(actor);
        const created = await createUser(body);
        log.info({ userId: created.id, by: admin.id, role: created.role }, 'created account');
        return toUserDto(created);
      },
    }),
  ];
}

/** Issues a fresh session id at sign-in, so a session id planted before sign-in is worthless. */
function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
}
