import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';
import { orcid } from './users.js';

export const CONTRIBUTOR_KINDS = ['person', 'organization'] as const;
export type ContributorKind = (typeof CONTRIBUTOR_KINDS)[number];

/**
 * The DataCite contributor types (DataCite Metadata Schema 4.5, contributorType), plus `Creator`
 * for the people and organizations DataCite lists as creators.
 */
export const CONTRIBUTOR_ROLES = [
  'Creator',
  'ContactPerson',
  'DataCollector',
  'DataCurator',
  'DataManager',
  'Distributor',
  'Editor',
  'HostingInstitution',
  'Producer',
  'ProjectLeader',
  'ProjectManager',
  'ProjectMember',
  'RegistrationAgency',
  'RegistrationAuthority',
  'RelatedPerson',
  'Researcher',
  'ResearchGroup',
  'RightsHolder',
  'Sponsor',
  'Supervisor',
  'WorkPackageLeader',
  'Other',
] as const;
export type ContributorRole = (typeof CONTRIBUTOR_ROLES)[number];

/** A ROR identifier as a URL, such as https://ror.org/02mhbdp94. */
export const rorId = z
  .string()
  .trim()
  .regex(/^https:\/\/ror\.org\/0[a-hj-km-np-tv-z0-9]{6}\d{2}$/, 'expected a ROR id such as https://ror.org/02mhbdp94');

const contributorFields = {
  kind: z.enum(CONTRIBUTOR_KINDS),
  name: z.string().trim().min(1).max(500).meta({ description: 'The name as credited, e.g. "Lovelace, Ada" or "British Antarctic Survey".' }),
  givenName: z.string().trim().max(200).nullable(),
  familyName: z.string().trim().max(200).nullable(),
  orcid: orcid.nullable().meta({ description: 'ORCID iD of a person.' }),
  rorId: rorId.nullable().meta({ description: 'ROR id of an organization.' }),
  affiliation: z.string().trim().max(500).nullable().meta({ description: 'Affiliation at the time of the work.' }),
  affiliationRorId: rorId.nullable(),
  roles: z.array(z.enum(CONTRIBUTOR_ROLES)).min(1).max(10),
};

function checkKind(value: { kind?: ContributorKind; orcid?: string | null }, context: z.RefinementCtx): void {
  if (value.kind === 'organization' && value.orcid) {
    context.addIssue({ code: 'custom', path: ['orcid'], message: 'an organization has no ORCID iD; use rorId' });
  }
}

export const contributorCreate = z
  .object({
    kind: contributorFields.kind.default('person'),
    name: contributorFields.name,
    givenName: contributorFields.givenName.default(null),
    familyName: contributorFields.familyName.default(null),
    orcid: contributorFields.orcid.default(null),
    rorId: contributorFields.rorId.default(null),
    affiliation: contributorFields.affiliation.default(null),
    affiliationRorId: contributorFields.affiliationRorId.default(null),
    roles: contributorFields.roles.default(['Creator']),
  })
  .superRefine(checkKind)
  .meta({ id: 'ContributorCreate' });
export type ContributorCreate = z.input<typeof contributorCreate>;

export const contributorUpdate = z
  .object({ ...contributorFields, position: z.number().int().min(0).max(100_000) })
  .partial()
  .superRefine(checkKind)
  .meta({ id: 'ContributorUpdate', description: 'Only the given properties change; `position` moves the record within its list.' });
export type ContributorUpdate = z.infer<typeof contributorUpdate>;

export const contributor = z
  .object({
    id: uuid,
    projectId: uuid,
    datasetId: uuid.nullable(),
    position: z.number().int(),
    ...contributorFields,
    claimed: z.boolean().meta({ description: 'True once the person signed in with this ORCID iD and claimed the record.' }),
    userId: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Contributor' });
export type Contributor = z.infer<typeof contributor>;
