import type { User as UserDto, UserCreate } from '../../common/api/users.js';
import type { Config } from '../config/env.js';
import { User } from '../db/models/user.js';
import { hashPassword } from '../auth/passwords.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';
import { iso } from './timestamps.js';

const log = moduleLogger('users');
const UNIQUE_VIOLATION = '23505';

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    orcid: user.orcid,
    orcidVerified: user.orcidVerifiedAt !== null,
    role: user.role,
    createdAt: iso(user.createdAt),
  };
}

/**
 * Creates an account; an email or ORCID iD that already has one throws 409. The address counts
 * as verified: an admin who creates an account vouches for it.
 */
export async function createUser(input: Required<Omit<UserCreate, 'orcid'>> & { orcid?: string | undefined }): Promise<User> {
  try {
    return await User.query().insertAndFetch({
      email: input.email.toLowerCase(),
      displayName: input.displayName,
      orcid: input.orcid ?? null,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      emailVerifiedAt: new Date(),
    });
  } catch (error) {
    if ((error as { nativeError?: { code?: string } }).nativeError?.code === UNIQUE_VIOLATION) {
      throw new HttpError('conflict', 'An account with this email address or ORCID iD already exists.', [
        { field: 'body.email', message: 'already registered' },
      ]);
    }
    throw error;
  }
}

/** Reads an account, or throws 404. */
export async function getUser(userId: string): Promise<User> {
  const user = await User.query().findById(userId);
  if (!user) throw new HttpError('not_found', `User ${userId} was not found.`);
  return user;
}

/** Looks up an account by email, ignoring case. */
export async function findUserByEmail(email: string): Promise<User | undefined> {
  return User.query().whereRaw('lower(email) = lower(?)', [email]).first();
}

/**
 * Creates the admin account from ADMIN_EMAIL and ADMIN_PASSWORD when no account has that email.
 * An existing account keeps its password: changing ADMIN_PASSWORD later does not reset it.
 */
export async function ensureAdmin(config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'ADMIN_NAME'>): Promise<void> {
  if (await findUserByEmail(config.ADMIN_EMAIL)) return;

  const passwordHash = await hashPassword(config.ADMIN_PASSWORD);
  // ON CONFLICT: several server nodes may start at once, and only one of them creates the admin.
  const inserted = await User.knex().raw(
    `INSERT INTO users (email, display_name, role, password_hash, email_verified_at) VALUES (?, ?, 'admin', ?, now())
     ON CONFLICT DO NOTHING RETURNING id`,
    [config.ADMIN_EMAIL.toLowerCase(), config.ADMIN_NAME, passwordHash],
  );
  if ((inserted as { rowCount: number }).rowCount > 0) {
    log.info({ email: config.ADMIN_EMAIL }, 'created admin account');
  }
}
