import parseSpdx from 'spdx-expression-parse';
import { z } from 'zod';
import { isoDateTime, keywords, polygonGeometry, uuid } from './common.js';

export const VISIBILITIES = ['private', 'internal', 'public'] as const;
export const DATASET_STATES = ['draft', 'published'] as const;

/** An SPDX license expression such as `CC-BY-4.0`, `CC0-1.0` or `LicenseRef-Public-Domain`. */
export const spdxLicense = z
  .string()
  .trim()
  .max(200)
  .refine(isSpdxExpression, {
    message: 'expected an SPDX license identifier such as CC-BY-4.0 or CC0-1.0 (see https://spdx.org/licenses/)',
  })
  .meta({ description: 'SPDX license expression (https://spdx.org/licenses/).', example: 'CC-BY-4.0' });

function isSpdxExpression(value: string): boolean {
  try {
    parseSpdx(value);
    return true;
  } catch {
    return false;
  }
}

/** A DOI name without the resolver prefix, such as `10.5281/zenodo.123`. */
export const doi = z
  .string()
  .trim()
  .regex(/^10\.\d{4,9}\/\S+$/, 'expected a DOI name such as 10.5281/zenodo.1234 (without https://doi.org/)');

const datasetFields = {
  title: z.string().trim().min(1).max(500),
  abstract: z.string().max(50_000),
  license: spdxLicense.nullable(),
  rights: z.string().max(5000).meta({ description: 'Rights statement shown beside the license.' }),
  keywords,
  temporalStart: isoDateTime.nullable(),
  temporalEnd: isoDateTime.nullable(),
  visibility: z.enum(VISIBILITIES),
  version: z.string().trim().min(1).max(50),
  doi: doi.nullable(),
  sourceName: z.string().max(500).meta({ description: 'Who published the data this dataset holds.' }),
  sourceUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable(),
  state: z.enum(DATASET_STATES).meta({
    description: 'A draft is visible only to project members, curators and admins; publishing applies `visibility`.',
  }),
  embargoUntil: isoDateTime.nullable().meta({
    description: 'Until this time only the metadata of a published dataset is visible to people outside its project; its rows, measurements, changes and imports stay hidden.',
  }),
};

/** The dataset properties that decide who may see it; changing them needs the publish permission. */
export const ACCESS_PROPERTIES = ['visibility', 'state', 'embargoUntil'] as const;

function checkTemporalOrder(value: { temporalStart?: string | null; temporalEnd?: string | null }, context: z.RefinementCtx): void {
  if (value.temporalStart && value.temporalEnd && Date.parse(value.temporalStart) > Date.parse(value.temporalEnd)) {
    context.addIssue({ code: 'custom', path: ['temporalEnd'], message: 'temporalEnd must not be before temporalStart' });
  }
}

export const datasetCreate = z
  .object({
    title: datasetFields.title,
    abstract: datasetFields.abstract.default(''),
    license: datasetFields.license.default(null),
    rights: datasetFields.rights.default(''),
    keywords: datasetFields.keywords.default([]),
    temporalStart: datasetFields.temporalStart.default(null),
    temporalEnd: datasetFields.temporalEnd.default(null),
    visibility: datasetFields.visibility.default('private'),
    version: datasetFields.version.default('1'),
    doi: datasetFields.doi.default(null),
    sourceName: datasetFields.sourceName.default(''),
    sourceUrl: datasetFields.sourceUrl.default(null),
    state: datasetFields.state.default('draft'),
    embargoUntil: datasetFields.embargoUntil.default(null),
  })
  .superRefine(checkTemporalOrder)
  .meta({ id: 'DatasetCreate' });
export type DatasetCreate = z.input<typeof datasetCreate>;

export const datasetUpdate = z
  .object(datasetFields)
  .partial()
  .superRefine(checkTemporalOrder)
  .meta({ id: 'DatasetUpdate' });
export type DatasetUpdate = z.infer<typeof datasetUpdate>;

export const dataset = z
  .object({
    id: uuid,
    projectId: uuid,
    ...datasetFields,
    spatialExtent: polygonGeometry.nullable(),
    seq: z.number().int().meta({ description: 'Number of the latest change to the dataset.' }),
    sampleCount: z.number().int(),
    locatedCount: z.number().int().meta({ description: 'Samples that have a location.' }),
    collectedFrom: isoDateTime.nullable().meta({ description: 'Earliest collection time of the samples; kept up to date.' }),
    collectedTo: isoDateTime.nullable().meta({ description: 'Latest collection time of the samples; kept up to date.' }),
    createdBy: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Dataset' });
export type Dataset = z.infer<typeof dataset>;

export const datasetListQuery = z.object({
  projectId: uuid.optional().meta({ description: 'Only datasets of this project.' }),
});
