import type { SignUp } from '../../common/api/users.js';
import { consumeOneTimeToken, issueOneTimeToken, voidOneTimeTokens } from '../auth/one-time-tokens.js';
import { hashPassword } from '../auth/passwords.js';
import type { AppContext } from '../context.js';
import { User } from '../db/models/user.js';
import { HttpError } from '../http/http-error.js';
import { enqueueEmail } from '../jobs/queues.js';
import { accountExistsMessage, passwordResetMessage, signUpMessage } from '../mail/messages.js';
import { moduleLogger } from '../observability/logger.js';
import { findUserByEmail } from './users.js';

const log = moduleLogger('accounts');
const UNIQUE_VIOLATION = '23505';

/** The same response whether or not an account exists, so the API cannot be asked who has one. */
export const SIGN_UP_ANSWER = 'Check your inbox: we sent a message to this address with the next step.';
export const RESET_ANSWER = 'If an account uses this address, we sent it a link to choose a new password. Check your inbox.';

/** A page of the web client, with a one-time token in the fragment. */
function clientLink(context: AppContext, path: string, token?: string): string {
  const url = new URL(path, context.config.PUBLIC_URL);
  if (token) url.hash = `token=${token}`;
  return url.href;
}

/**
 * Starts a sign-up. No account is made until the address is confirmed: the name and the hash of
 * the chosen password wait in the token's record. So nobody can occupy an address they do not
 * read, and a sign-up with an address that has an account only tells that address's owner.
 */
export async function requestSignUp(context: AppContext, input: SignUp): Promise<void> {
  if (!context.config.SIGN_UP_ENABLED) {
    throw new HttpError('forbidden', 'Sign-up is closed on this portal; ask an admin for an account.');
  }
  const email = input.email.toLowerCase();
  if (await findUserByEmail(email)) {
    await enqueueEmail(context.emailQueue, accountExistsMessage(email, clientLink(context, '/sign-in'), clientLink(context, '/reset-password')));
    return;
  }
  const token = await issueOneTimeToken({
    purpose: 'sign-up',
    email,
    payload: { displayName: input.displayName, passwordHash: await hashPassword(input.password) },
  });
  await enqueueEmail(context.emailQueue, signUpMessage(email, input.displayName, clientLink(context, '/verify-email', token)));
}

/** Confirms a sign-up token and makes the account; a second use or an expired token throws 400. */
export async function completeSignUp(token: string): Promise<User> {
  const record = await consumeOneTimeToken('sign-up', token);
  if (!record) throw invalidLink();

  const payload = record.payload as { displayName?: string; passwordHash?: string };
  try {
    const user = await User.query().insertAndFetch({
      email: record.email,
      displayName: payload.displayName ?? record.email,
      passwordHash: payload.passwordHash ?? null,
      role: 'member',
      emailVerifiedAt: new Date(),
    });
    log.info({ userId: user.id }, 'account created by sign-up');
    return user;
  } catch (error) {
    if ((error as { nativeError?: { code?: string } }).nativeError?.code === UNIQUE_VIOLATION) {
      throw new HttpError('conflict', 'This address already has an account; sign in, or reset its password.');
    }
    throw error;
  }
}

/** Sends a reset link to a confirmed address that has an account; anything else sends nothing. */
export async function requestPasswordReset(context: AppContext, email: string): Promise<void> {
  const user = await findUserByEmail(email);
  if (!user || !user.email || !user.emailVerifiedAt) return;

  const token = await issueOneTimeToken({ purpose: 'password-reset', email: user.email, userId: user.id });
  await enqueueEmail(context.emailQueue, passwordResetMessage(user.email, clientLink(context, '/reset-password', token)));
}

/** Sets a new password from a reset token and voids the account's other reset links. */
export async function completePasswordReset(token: string, password: string): Promise<User> {
  const record = await consumeOneTimeToken('password-reset', token);
  if (!record || !record.userId) throw invalidLink();

  const user = await User.query().findById(record.userId);
  if (!user) throw invalidLink();
  await User.query().patch({ passwordHash: await hashPassword(password) }).where('id', user.id);
  await voidOneTimeTokens('password-reset', record.email);
  return user;
}

function invalidLink(): HttpError {
  return new HttpError('validation_failed', 'This link is invalid, expired or already used; ask for a new one.', [
    { field: 'body.token', message: 'invalid, expired or used' },
  ]);
}
