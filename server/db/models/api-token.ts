import { Model } from 'objection';
import type { TokenScope } from '../../auth/actor.js';

/** A personal API token; only the SHA-256 of its secret is stored. */
export class ApiToken extends Model {
  static override tableName = 'api_tokens';

  id!: string;
  userId!: string;
  name!: string;
  scope!: TokenScope;
  tokenHash!: string;
  /** The first characters of the secret, shown in listings so a user can tell tokens apart. */
  tokenPrefix!: string;
  expiresAt!: Date;
  lastUsedAt!: Date | null;
  revokedAt!: Date | null;
  createdAt!: Date;
}
