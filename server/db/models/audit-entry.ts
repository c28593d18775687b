import { Model } from 'objection';

/** One line of the audit log. */
export class AuditEntry extends Model {
  static override tableName = 'audit_log';
  static override jsonAttributes = ['details'];

  id!: number;
  createdAt!: Date;
  action!: string;
  actorUserId!: string | null;
  /** Who acted, as shown at the time: an email address, a display name or "anonymous". */
  actorLabel!: string;
  targetType!: string | null;
  targetId!: string | null;
  projectId!: string | null;
  details!: Record<string, unknown>;
  ip!: string | null;
}
