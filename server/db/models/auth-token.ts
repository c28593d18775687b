import { Model } from 'objection';

export type AuthTokenPurpose = 'sign-up' | 'password-reset';

/** A single-use token sent by email; only its SHA-256 is stored. */
export class AuthToken extends Model {
  static override tableName = 'auth_tokens';
  static override jsonAttributes = ['payload'];

  id!: string;
  purpose!: AuthTokenPurpose;
  tokenHash!: string;
  userId!: string | null;
  email!: string;
  payload!: Record<string, unknown>;
  expiresAt!: Date;
  usedAt!: Date | null;
  createdAt!: Date;
}
