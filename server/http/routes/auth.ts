import { accepted, passwordResetConfirm, passwordResetRequest, session, signIn, signUp, verifyEmail } from '../../../common/api/users.js';
import { isSignedIn } from '../../auth/actor.js';
import { verifyPassword } from '../../auth/passwords.js';
import { SESSION_COOKIE } from '../../auth/session.js';
import { endAllSessions, endSession, establishSession, sessionActor } from '../../auth/sign-in.js';
import type { AppContext } from '../../context.js';
import { completePasswordReset, completeSignUp, requestPasswordReset, requestSignUp, RESET_ANSWER, SIGN_UP_ANSWER } from '../../domain/accounts.js';
import { recordAudit } from '../../domain/audit.js';
import { findUserByEmail, getUser, toUserDto } from '../../domain/users.js';
import { moduleLogger } from '../../observability/logger.js';
import { HttpError } from '../http-error.js';
import { consumePoint } from '../rate-limit.js';
import { defineRoute, type Route } from '../route.js';
import { orcidRoutes } from './orcid.js';

const log = moduleLogger('auth');

/** Sign-in, sign-up with email verification, password reset, sign-out and the current session. */
export function authRoutes(context: AppContext): Route[] {
  const limits = context.rateLimits;
  return [
    defineRoute({
      method: 'post',
      path: '/auth/sign-in',
      operationId: 'signIn',
      summary: 'Sign in with email and password; sets the session cookie',
      tags: ['auth'],
      permission: 'auth.public',
      body: signIn,
      success: { status: 200, description: 'Signed in', schema: session },
      readOnly: 'allowed',
      errors: ['unauthenticated', 'rate_limited'],
      async handler({ body, req, actor }) {
        const email = body.email.toLowerCase();
        await consumePoint(limits.signInByIp, `ip:${req.ip}`, 'sign-in attempts from your address');
        await consumePoint(limits.signInByEmail, `email:${email}`, 'sign-in attempts for this account');

        const account = await findUserByEmail(email);
        const valid = await verifyPassword(account?.passwordHash ?? null, body.password);
        if (!account || !valid) {
          await recordAudit({
            action: 'auth.sign-in-failed',
            actor,
            ...(account ? { target: { type: 'user' as const, id: account.id } } : {}),
            details: { email },
            ip: req.ip ?? null,
          });
          log.info({ reason: 'invalid credentials' }, 'sign-in rejected');
          throw new HttpError('unauthenticated', 'The email address or password is not correct.');
        }

        // Only failed attempts count, so a class signing in behind one address is not locked out.
        await limits.signInByEmail.delete(`email:${email}`);
        await limits.signInByIp.reward(`ip:${req.ip}`, 1);
        await establishSession(req, context, account, 'password');
        return { user: toUserDto(account) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/sign-out',
      operationId: 'signOut',
      summary: 'End the session and close the sockets opened with it',
      tags: ['auth'],
      permission: 'auth.public',
      success: { status: 204, description: 'Signed out' },
      errors: [],
      readOnly: 'allowed',
      async handler({ req, res, actor }) {
        if (isSignedIn(actor) && actor.credential?.kind === 'session') {
          await recordAudit({ action: 'auth.sign-out', actor, target: { type: 'user', id: actor.id }, ip: req.ip ?? null });
        }
        await endSession(req, context);
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
      permission: 'auth.public',
      success: { status: 200, description: 'The session', schema: session },
      errors: [],
      async handler({ actor }) {
        if (!isSignedIn(actor)) return { user: null };
        return { user: toUserDto(await getUser(actor.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/sign-up',
      operationId: 'signUp',
      summary: 'Start a sign-up; the account is made when the emailed link is opened',
      description: 'Answers 202 with the same message whether or not the address has an account, so it reveals nothing about who has one.',
      tags: ['auth'],
      permission: 'auth.public',
      body: signUp,
      success: { status: 202, description: 'A message was sent to the address', schema: accepted },
      errors: ['forbidden', 'rate_limited'],
      async handler({ body, req }) {
        await consumePoint(limits.mailByIp, `ip:${req.ip}`, 'emails requested from your address');
        await consumePoint(limits.mailByAddress, `email:${body.email.toLowerCase()}`, 'emails requested for this address');
        await requestSignUp(context, body);
        return { message: SIGN_UP_ANSWER };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email',
      operationId: 'verifyEmail',
      summary: 'Confirm an email address with the token from the sign-up email; makes the account and signs in',
      tags: ['auth'],
      permission: 'auth.public',
      body: verifyEmail,
      success: { status: 200, description: 'The new account, signed in', schema: session },
      errors: ['conflict'],
      async handler({ body, req }) {
        const user = await completeSignUp(body.token);
        await establishSession(req, context, user, 'email-verification');
        await recordAudit({ action: 'auth.sign-up', actor: sessionActor(user, req), target: { type: 'user', id: user.id }, ip: req.ip ?? null });
        return { user: toUserDto(user) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset',
      operationId: 'requestPasswordReset',
      summary: 'Send a password reset link to the address, if it has an account',
      description: 'Answers 202 with the same message whether or not the address has an account.',
      tags: ['auth'],
      permission: 'auth.public',
      body: passwordResetRequest,
      success: { status: 202, description: 'Accepted', schema: accepted },
      errors: ['rate_limited'],
      async handler({ body, req }) {
        await consumePoint(limits.mailByIp, `ip:${req.ip}`, 'emails requested from your address');
        await consumePoint(limits.mailByAddress, `email:${body.email.toLowerCase()}`, 'emails requested for this address');
        await requestPasswordReset(context, body.email);
        return { message: RESET_ANSWER };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      summary: 'Set a new password with the token from the reset email; signs out everywhere',
      tags: ['auth'],
      permission: 'auth.public',
      body: passwordResetConfirm,
      success: { status: 204, description: 'The password was changed' },
      errors: [],
      async handler({ body, req, actor }) {
        const user = await completePasswordReset(body.token, body.password);
        const ended = await endAllSessions(user.id, context);
        await recordAudit({ action: 'auth.password-reset', actor, target: { type: 'user', id: user.id }, details: { sessionsEnded: ended }, ip: req.ip ?? null });
        return undefined;
      },
    }),
    ...orcidRoutes(context),
  ];
}
