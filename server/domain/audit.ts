import type { Knex } from 'knex';
import type { AuditAction, AuditEntry as AuditEntryDto } from '../../common/api/audit.js';
import { isSignedIn, type Actor } from '../auth/actor.js';
import { AuditEntry } from '../db/models/audit-entry.js';
import { iso } from './timestamps.js';

/** One thing that happened, as the audit log stores it. */
export interface AuditRecord {
  action: AuditAction;
  actor: Actor;
  target?: { type: 'user' | 'project' | 'dataset' | 'token' | 'invitation' | 'session' | 'contributor'; id: string };
  projectId?: string | null;
  /** What changed, without secrets: roles, visibilities, names. */
  details?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Appends an entry to the audit log, inside the caller's transaction when one is given so the
 * entry commits or rolls back with the change it describes.
 */
export async function recordAudit(record: AuditRecord, trx?: Knex.Transaction): Promise<void> {
  await AuditEntry.query(trx).insert({
    action: record.action,
    actorUserId: isSignedIn(record.actor) ? record.actor.id : null,
    actorLabel: actorLabel(record.actor),
    targetType: record.target?.type ?? null,
    targetId: record.target?.id ?? null,
    projectId: record.projectId ?? null,
    details: record.details ?? {},
    ip: record.ip ?? null,
  });
}

function actorLabel(actor: Actor): string {
  if (!isSignedIn(actor)) return 'anonymous';
  const via = actor.credential?.kind === 'token' ? ' (API token)' : '';
  return `${actor.email ?? actor.displayName}${via}`;
}

export interface AuditFilter {
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  beforeId: number | null;
  limit: number;
}

/** Reads audit entries newest first; fetches `limit + 1` rows so the caller can tell whether more exist. */
export async function listAudit(filter: AuditFilter): Promise<AuditEntry[]> {
  const query = AuditEntry.query().orderBy('id', 'desc').limit(filter.limit + 1);
  if (filter.action) query.where('action', filter.action);
  if (filter.actorId) query.where('actorUserId', filter.actorId);
  if (filter.targetId) query.where('targetId', filter.targetId);
  if (filter.beforeId !== null) query.where('id', '<', filter.beforeId);
  return query;
}

export function toAuditDto(entry: AuditEntry): AuditEntryDto {
  return {
    id: entry.id,
    createdAt: iso(entry.createdAt),
    action: entry.action as AuditAction,
    actorId: entry.actorUserId,
    actor: entry.actorLabel,
    targetType: entry.targetType,
    targetId: entry.targetId,
    projectId: entry.projectId,
    details: entry.details,
    ip: entry.ip,
  };
}
