import type { Dataset as DatasetDto, DatasetCreate, DatasetUpdate } from '../../common/api/datasets.js';
import type { SignedInActor } from '../auth/actor.js';
import { Dataset } from '../db/models/dataset.js';
import type { Project } from '../db/models/project.js';
import { notFound } from '../http/http-error.js';
import { validationError } from '../http/problem.js';
import { iso, isoOrNull } from './timestamps.js';

export function toDatasetDto(dataset: Dataset): DatasetDto {
  return {
    id: dataset.id,
    projectId: dataset.projectId,
    title: dataset.title,
    abstract: dataset.abstract,
    license: dataset.license,
    rights: dataset.rights,
    keywords: dataset.keywords,
    temporalStart: isoOrNull(dataset.temporalStart),
    temporalEnd: isoOrNull(dataset.temporalEnd),
    visibility: dataset.visibility,
    version: dataset.version,
    doi: dataset.doi,
    sourceName: dataset.sourceName,
    sourceUrl: dataset.sourceUrl,
    state: dataset.state,
    embargoUntil: isoOrNull(dataset.embargoUntil),
    spatialExtent: dataset.spatialExtent,
    seq: dataset.seq,
    sampleCount: dataset.sampleCount,
    locatedCount: dataset.locatedCount,
    collectedFrom: isoOrNull(dataset.collectedStart),
    collectedTo: isoOrNull(dataset.collectedEnd),
    createdBy: dataset.createdBy,
    createdAt: iso(dataset.createdAt),
    updatedAt: iso(dataset.updatedAt),
  };
}

/** Selects datasets with their extent as GeoJSON. */
export function datasetsQuery() {
  return Dataset.query().modify('withGeoJson');
}

/** Reads a dataset, or throws 404. Permission checks are the caller's. */
export async function getDataset(datasetId: string): Promise<Dataset> {
  const dataset = await datasetsQuery().findById(datasetId);
  if (!dataset) throw notFound('Dataset', datasetId);
  return dataset;
}

export async function createDataset(actor: SignedInActor, project: Project, input: Required<DatasetCreate>): Promise<Dataset> {
  const created = await Dataset.query().insert({
    ...input,
    projectId: project.id,
    createdBy: actor.id,
  });
  return getDataset(created.id);
}

/** Applies a partial change; a coverage start after the (new or stored) end raises 400. */
export async function updateDataset(dataset: Dataset, changes: DatasetUpdate): Promise<Dataset> {
  const start = changes.temporalStart !== undefined ? changes.temporalStart : isoOrNull(dataset.temporalStart);
  const end = changes.temporalEnd !== undefined ? changes.temporalEnd : isoOrNull(dataset.temporalEnd);
  if (start && end && Date.parse(start) > Date.parse(end)) {
    const field = changes.temporalEnd !== undefined ? 'body.temporalEnd' : 'body.temporalStart';
    throw validationError([{ field, message: `the temporal coverage would start (${start}) after it ends (${end})` }]);
  }

  if (Object.keys(changes).length > 0) {
    await Dataset.query().patch(changes).where('id', dataset.id);
  }
  return getDataset(dataset.id);
}
