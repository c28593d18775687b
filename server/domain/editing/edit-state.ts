import type { Knex } from 'knex';
import type { ProjectRole } from '../../../common/api/projects.js';
import type { PortalRole } from '../../../common/api/users.js';
import type { EditConflict } from '../../../common/editing/protocol.js';
import { ANONYMOUS, type Actor } from '../../auth/actor.js';
import { queryPrepared } from '../../db/prepared-statement.js';
import { fieldFromDatabase, rowFromJson, type FieldState, type RowState } from './row-state.js';
import type { UndoStacks } from './undo-stacks.js';

/** Everything an edit reads before it applies its operations, read in one query. */
export interface EditState {
  seq: number;
  dataset: { id: string; projectId: string; visibility: 'private' | 'internal' | 'public'; state: 'draft' | 'published'; embargoUntil: Date | null };
  actor: Actor;
  projectRole: ProjectRole | null;
  /** The first application of the request's mutation id, when it was applied before. */
  earlier: { seq: number; rejected: EditConflict[] | null; authorUserId: string | null } | null;
  rows: Map<string, RowState>;
  fields: Map<string, FieldState>;
  stacks: UndoStacks;
  /** Seqs after baseSeq made by the requesting client, which never conflict with its edits. */
  ownSeqs: Set<number>;
}

export interface EditStateQuery {
  datasetId: string;
  userId: string;
  mutationId: string;
  sampleIds: string[];
  baseSeq: number;
  /** The client (or, for undo, the user) whose own later changes do not conflict. */
  owner: { clientId: string } | { authorUserId: string } | null;
}

const ROW_JSON = `json_build_object(
  'id', s.id, 'datasetId', s.dataset_id, 'ord', s.ord, 'name', s.name, 'igsn', s.igsn, 'parentId', s.parent_id,
  'material', s.material, 'location', ST_AsGeoJSON(s.location)::json, 'locationText', s.location_text,
  'elevation', s.elevation, 'collectedAt', s.collected_at, 'collectedAtPrecision', s.collected_at_precision,
  'values', s.values, 'version', s.version, 'importId', s.import_id, 'createdAt', s.created_at,
  'updatedAt', s.updated_at, 'seq', s.seq, 'cellSeqs', s.cell_seqs)`;

const FIELD_JSON = `json_build_object(
  'id', f.id, 'datasetId', f.dataset_id, 'key', f.key, 'label', f.label, 'type', f.type, 'unit', f.unit,
  'description', f.description, 'termIri', f.term_iri, 'vocabularyIri', f.vocabulary_iri, 'required', f.required,
  'position', f.position, 'createdAt', f.created_at, 'updatedAt', f.updated_at, 'seq', f.seq)`;

type OwnerColumn = 'client_id' | 'author_user_id';

/**
 * Builds the read's text for one owner column, or for none. Parameters: $1 dataset id, $2 user
 * id, $3 mutation id, $4 sample ids, then with an owner column $5 base seq and $6 the owner.
 */
function editStateSql(ownerColumn: OwnerColumn | null): string {
  // A client id is visible to everyone in the room, so only the user's own changes count as the client's.
  const ownSeqs = ownerColumn
    ? `(SELECT coalesce(json_agg(c.seq), '[]') FROM dataset_changes c
        WHERE c.dataset_id = d.id AND c.seq > $5 AND c.${ownerColumn} = $6 AND c.author_user_id = $2)`
    : `'[]'::json`;
  return `SELECT d.seq, d.visibility, d.state, d.embargo_until, d.project_id,
       (SELECT json_build_object('id', u.id, 'email', u.email, 'displayName', u.display_name, 'role', u.role) FROM users u WHERE u.id = $2) AS user,
       (SELECT pm.role FROM project_members pm WHERE pm.project_id = d.project_id AND pm.user_id = $2) AS project_role,
       (SELECT json_build_object('seq', c.seq, 'rejected', c.rejected, 'authorUserId', c.author_user_id)
          FROM dataset_changes c WHERE c.dataset_id = d.id AND c.mutation_id = $3) AS earlier,
       (SELECT coalesce(json_agg(${ROW_JSON}), '[]') FROM samples s WHERE s.dataset_id = d.id AND s.id = ANY($4::uuid[])) AS rows,
       (SELECT coalesce(json_agg(${FIELD_JSON} ORDER BY f.position, f.key), '[]') FROM dataset_fields f WHERE f.dataset_id = d.id) AS fields,
       (SELECT json_build_object('undo', st.undo, 'redo', st.redo) FROM undo_stacks st WHERE st.dataset_id = d.id AND st.user_id = $2) AS stacks,
       ${ownSeqs} AS own_seqs
     FROM datasets d WHERE d.id = $1`;
}

/** The read's three variants, built once: by client id (edits), by author (undo), or neither. */
const EDIT_STATE_SQL = {
  client_id: editStateSql('client_id'),
  author_user_id: editStateSql('author_user_id'),
  none: editStateSql(null),
};

/**
 * Reads the dataset's seq, visibility, state and embargo, the user and their project role, an earlier
 * application of the mutation id, the rows the operations name, the fields, the user's undo
 * stacks and the client's own recent seqs, in one round trip. Without a lock the result is a
 * snapshot; the write that follows checks that the dataset's seq has not moved since. The query
 * is a named prepared statement (one per owner column), so each connection plans it once.
 * Returns null when the dataset does not exist.
 */
export async function readEditState(db: Knex | Knex.Transaction, query: EditStateQuery): Promise<EditState | null> {
  const values: unknown[] = [query.datasetId, query.userId, query.mutationId, query.sampleIds];
  let ownerColumn: OwnerColumn | null = null;
  if (query.owner && 'clientId' in query.owner) {
    ownerColumn = 'client_id';
    values.push(query.baseSeq, query.owner.clientId);
  } else if (query.owner) {
    ownerColumn = 'author_user_id';
    values.push(query.baseSeq, query.owner.authorUserId);
  }
  const rows = await queryPrepared<Record<string, unknown>>(db, `fairport_edit_state_${ownerColumn ?? 'no_owner'}`, EDIT_STATE_SQL[ownerColumn ?? 'none'], values);
  const row = rows[0];
  if (!row) return null;

  const user = row.user as { id: string; email: string; displayName: string; role: PortalRole } | null;
  const stacks = row.stacks as { undo: number[]; redo: number[] } | null;
  const earlier = row.earlier as { seq: number; rejected: EditConflict[] | null; authorUserId: string | null } | null;
  return {
    seq: Number(row.seq),
    dataset: {
      id: query.datasetId,
      projectId: row.project_id as string,
      visibility: row.visibility as EditState['dataset']['visibility'],
      state: row.state as EditState['dataset']['state'],
      embargoUntil: (row.embargo_until as Date | null) ?? null,
    },
    actor: user ? { type: 'user', ...user } : ANONYMOUS,
    projectRole: (row.project_role as ProjectRole | null) ?? null,
    earlier: earlier ? { ...earlier, seq: Number(earlier.seq) } : null,
    rows: new Map((row.rows as Record<string, unknown>[]).map((json) => [json.id as string, rowFromJson(json)])),
    fields: new Map((row.fields as Record<string, unknown>[]).map((json) => [json.id as string, fieldFromDatabase(json)])),
    stacks: { undo: (stacks?.undo ?? []).map(Number), redo: (stacks?.redo ?? []).map(Number) },
    ownSeqs: new Set((row.own_seqs as number[]).map(Number)),
  };
}
