import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

export const PORTAL_ROLES = ['admin', 'curator', 'member'] as const;
export type PortalRole = (typeof PORTAL_ROLES)[number];

/** An ORCID iD in its 16-character form, with the ISO 7064 11,2 check digit verified. */
export const orcid = z
  .string()
  // A value that is not an iD at all gets only the format message, not a check-digit one as well.
  .regex(/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/, { message: 'expected an ORCID iD such as 0000-0002-1825-0097', abort: true })
  .refine(hasValidOrcidChecksum, 'the ORCID iD check digit does not match; check for a typo');

function hasValidOrcidChecksum(value: string): boolean {
  const digits = value.replaceAll('-', '');
  let total = 0;
  for (const char of digits.slice(0, -1)) total = (total + Number(char)) * 2;
  const remainder = (12 - (total % 11)) % 11;
  const expected = remainder === 10 ? 'X' : String(remainder);
  return digits.at(-1) === expected;
}

export const user = z
  .object({
    id: uuid,
    email: z.email().nullable().meta({ description: 'Null for an account made by ORCID sign-in that has not added an address.' }),
    displayName: z.string(),
    orcid: z.string().nullable(),
    orcidVerified: z.boolean().meta({ description: 'True once the user has signed in with this ORCID iD.' }),
    role: z.enum(PORTAL_ROLES),
    createdAt: isoDateTime,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof user>;

/** A new password: long enough to resist guessing, short enough to hash without a denial of service. */
export const newPassword = z.string().min(10, 'use at least 10 characters').max(1000);

export const userCreate = z
  .object({
    email: z.email().max(320),
    displayName: z.string().trim().min(1).max(200),
    password: newPassword,
    orcid: orcid.optional(),
    role: z.enum(PORTAL_ROLES).default('member'),
  })
  .meta({ id: 'UserCreate' });
export type UserCreate = z.input<typeof userCreate>;

export const signIn = z
  .object({
    email: z.email(),
    password: z.string().min(1).max(1000),
  })
  .meta({ id: 'SignIn' });
export type SignIn = z.infer<typeof signIn>;

export const session = z
  .object({ user: user.nullable() })
  .meta({ id: 'Session', description: 'The signed-in user, or null for an anonymous visitor.' });
export type Session = z.infer<typeof session>;

export const userUpdate = z
  .object({
    role: z.enum(PORTAL_ROLES).optional(),
    displayName: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: 'UserUpdate', description: 'Changes an account; only the given properties change.' });
export type UserUpdate = z.infer<typeof userUpdate>;

export const userListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(500).optional(),
});

export const signUp = z
  .object({
    email: z.email().max(320),
    displayName: z.string().trim().min(1).max(200),
    password: newPassword,
  })
  .meta({ id: 'SignUp' });
export type SignUp = z.infer<typeof signUp>;

/** A one-time token from an email link: 43 base64url characters (256 random bits). */
export const oneTimeToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the token from the link in the email, unchanged');

export const verifyEmail = z.object({ token: oneTimeToken }).meta({ id: 'VerifyEmail' });

export const passwordResetRequest = z.object({ email: z.email().max(320) }).meta({ id: 'PasswordResetRequest' });

export const passwordResetConfirm = z
  .object({ token: oneTimeToken, password: newPassword })
  .meta({ id: 'PasswordResetConfirm' });

/** The response to a request whose outcome must not reveal whether an account exists. */
export const accepted = z.object({ message: z.string() }).meta({ id: 'Accepted' });
