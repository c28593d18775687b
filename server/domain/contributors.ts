import type { Contributor as ContributorDto, ContributorCreate, ContributorUpdate } from '../../common/api/contributors.js';
import { Contributor } from '../db/models/contributor.js';
import type { User } from '../db/models/user.js';
import { HttpError, notFound } from '../http/http-error.js';
import { iso } from './timestamps.js';

/** Where a contributor is credited: a project as a whole (datasetId null) or one of its datasets. */
export interface ContributorParent {
  projectId: string;
  datasetId: string | null;
}

export function toContributorDto(row: Contributor): ContributorDto {
  return {
    id: row.id,
    projectId: row.projectId,
    datasetId: row.datasetId,
    position: row.position,
    kind: row.kind,
    name: row.name,
    givenName: row.givenName,
    familyName: row.familyName,
    orcid: row.orcid,
    rorId: row.rorId,
    affiliation: row.affiliation,
    affiliationRorId: row.affiliationRorId,
    roles: row.roles,
    claimed: row.userId !== null,
    userId: row.userId,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function ofParent(parent: ContributorParent) {
  const query = Contributor.query().where('projectId', parent.projectId);
  return parent.datasetId === null ? query.whereNull('datasetId') : query.where('datasetId', parent.datasetId);
}

/** Lists the contributors credited on a project or dataset, in credit order. */
export async function listContributors(parent: ContributorParent): Promise<Contributor[]> {
  return ofParent(parent).orderBy([{ column: 'position' }, { column: 'createdAt' }]);
}

export async function getContributor(contributorId: string): Promise<Contributor> {
  const row = await Contributor.query().findById(contributorId);
  if (!row) throw notFound('Contributor', contributorId);
  return row;
}

/** Credits a contributor at the end of the list. */
export async function createContributor(parent: ContributorParent, input: Required<ContributorCreate>): Promise<Contributor> {
  return Contributor.transaction(async (trx) => {
    // Locks the list so two concurrent additions do not take the same position.
    const existing = await ofParent(parent).transacting(trx).forUpdate().select('position');
    const position = existing.reduce((max, row) => Math.max(max, row.position + 1), 0);
    return Contributor.query(trx).insertAndFetch({ ...input, ...parent, position });
  });
}

/** Changes a contributor; a new `position` moves it and shifts the others to keep the order dense. */
export async function updateContributor(row: Contributor, changes: ContributorUpdate): Promise<Contributor> {
  const { position, ...fields } = changes;
  if (fields.kind === 'organization' && (fields.orcid ?? row.orcid)) {
    throw new HttpError('validation_failed', 'An organization has no ORCID iD; remove it or keep kind "person".', [
      { field: 'body.orcid', message: 'not allowed for an organization' },
    ]);
  }
  return Contributor.transaction(async (trx) => {
    if (Object.keys(fields).length > 0) await Contributor.query(trx).patch(fields).where('id', row.id);
    if (position !== undefined) {
      const ordered = await ofParent(row).transacting(trx).forUpdate().orderBy([{ column: 'position' }, { column: 'createdAt' }]);
      const others = ordered.filter((other) => other.id !== row.id);
      others.splice(Math.min(position, others.length), 0, row);
      for (const [index, entry] of others.entries()) {
        if (entry.position !== index || entry.id === row.id) await Contributor.query(trx).patch({ position: index }).where('id', entry.id);
      }
    }
    return Contributor.query(trx).findById(row.id).throwIfNotFound();
  });
}

/** Removes a contributor and closes the gap in the order. */
export async function deleteContributor(row: Contributor): Promise<void> {
  await Contributor.transaction(async (trx) => {
    await Contributor.query(trx).deleteById(row.id);
    await ofParent(row).transacting(trx).where('position', '>', row.position).decrement('position', 1);
  });
}

/**
 * Links a contributor record to the user who signed in with its ORCID iD. Only an iD confirmed
 * by ORCID sign-in counts; an iD someone typed into the account does not.
 */
export async function claimContributor(row: Contributor, user: User): Promise<Contributor> {
  if (!user.orcid || !user.orcidVerifiedAt) {
    throw new HttpError('forbidden', 'Sign in with ORCID first: only an ORCID iD confirmed by ORCID sign-in can claim a contributor record.');
  }
  if (row.orcid !== user.orcid) {
    throw new HttpError('forbidden', `This contributor record carries another ORCID iD than yours (${user.orcid}).`);
  }
  if (row.userId === user.id) return row;
  if (row.userId !== null) throw new HttpError('conflict', 'This contributor record has been claimed by another account.');

  await Contributor.query().patch({ userId: user.id, claimedAt: new Date() }).where('id', row.id).whereNull('userId');
  return getContributor(row.id);
}

/** Lists the unclaimed records that carry the user's confirmed ORCID iD. */
export async function listClaimable(user: User): Promise<Contributor[]> {
  if (!user.orcid || !user.orcidVerifiedAt) return [];
  return Contributor.query().where('orcid', user.orcid).whereNull('userId').orderBy('createdAt');
}
