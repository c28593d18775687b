import type { ContributorKind, ContributorRole } from '../../../common/api/contributors.js';
import { BaseModel } from './base-model.js';

/** A person or organization credited on a project or, when datasetId is set, on one dataset. */
export class Contributor extends BaseModel {
  static override tableName = 'contributors';
  static override jsonAttributes: string[] = [];

  id!: string;
  projectId!: string;
  datasetId!: string | null;
  position!: number;
  kind!: ContributorKind;
  name!: string;
  givenName!: string | null;
  familyName!: string | null;
  orcid!: string | null;
  rorId!: string | null;
  affiliation!: string | null;
  affiliationRorId!: string | null;
  roles!: ContributorRole[];
  userId!: string | null;
  claimedAt!: Date | null;
}
