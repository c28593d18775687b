import { z } from 'zod';
import { isoDateTime, pageQuery, pointGeometry, singleQueryValue, uuid, wholeNumberText } from './common.js';

export const COLLECTED_AT_PRECISIONS = ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond'] as const;

/** One cell value; the dataset field's type decides which of these it may be. */
export const cellValue = z
  .union([z.string().max(100_000), z.number(), z.boolean(), z.null(), z.record(z.string(), z.unknown())])
  .meta({ id: 'CellValue', description: 'A value of the field named by its key; checked against the field type.' });
export type CellValue = string | number | boolean | null | Record<string, unknown>;

/** An IGSN, written either as the bare code or as its DOI (10.58052/...). */
export const igsn = z
  .string()
  .trim()
  .regex(/^(?:(?:https?:\/\/doi\.org\/)?10\.\d{4,9}\/)?[A-Za-z0-9][A-Za-z0-9.\-_]{2,99}$/, 'expected an IGSN such as IEXYZ0001 or 10.58052/IEXYZ0001');

/** The schemas of a sample's own properties, shared by the REST API and live edits. */
export const sampleProperties = {
  name: z.string().trim().max(500),
  igsn: igsn.nullable(),
  parentId: uuid.nullable(),
  material: z.string().trim().max(500).nullable(),
  location: pointGeometry.nullable(),
  locationText: z.string().max(500).nullable().meta({ description: 'The coordinates as the source wrote them.' }),
  elevation: z.number().finite().nullable().meta({ description: 'Elevation in metres above sea level.' }),
  collectedAt: isoDateTime.nullable(),
  collectedAtPrecision: z.enum(COLLECTED_AT_PRECISIONS).nullable(),
  values: z.record(z.string(), cellValue).refine((values) => Object.keys(values).length <= 2000, 'at most 2000 values per sample'),
};

export const sampleCreate = z
  .object({
    id: uuid.optional().meta({ description: 'Client-made id; generated when omitted.' }),
    name: sampleProperties.name.default(''),
    igsn: sampleProperties.igsn.default(null),
    parentId: sampleProperties.parentId.default(null),
    material: sampleProperties.material.default(null),
    location: sampleProperties.location.default(null),
    locationText: sampleProperties.locationText.default(null),
    elevation: sampleProperties.elevation.default(null),
    collectedAt: sampleProperties.collectedAt.default(null),
    collectedAtPrecision: sampleProperties.collectedAtPrecision.default(null),
    values: sampleProperties.values.default({}),
  })
  .meta({ id: 'SampleCreate' });
export type SampleCreate = z.input<typeof sampleCreate>;

export const sampleUpdate = z
  .object({
    ...sampleProperties,
    version: z.number().int().positive().optional().meta({
      description: 'The version the change was made against; a mismatch answers 409.',
    }),
  })
  .partial()
  .meta({ id: 'SampleUpdate', description: 'Only the given properties change; `values` merges key by key, null clears a value.' });
export type SampleUpdate = z.infer<typeof sampleUpdate>;

export const sample = z
  .object({
    id: uuid,
    datasetId: uuid,
    ord: z.number().int().meta({ description: 'Position of the row in the dataset.' }),
    ...sampleProperties,
    version: z.number().int(),
    importId: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Sample' });
export type Sample = z.infer<typeof sample>;

type DescriptiveProperty = 'name' | 'igsn' | 'parentId' | 'material' | 'location' | 'locationText' | 'elevation' | 'collectedAt' | 'collectedAtPrecision';

/** Descriptive properties of a new sample before any is set, shared by the server's and the client's new rows. */
export const EMPTY_SAMPLE_PROPERTIES: Readonly<Pick<Sample, DescriptiveProperty>> = {
  name: '',
  igsn: null,
  parentId: null,
  material: null,
  location: null,
  locationText: null,
  elevation: null,
  collectedAt: null,
  collectedAtPrecision: null,
};

const DECIMAL_DEGREES = /^[-+]?(?:\d{1,3}(?:\.\d{0,15})?|\.\d{1,15})$/;

/** `minLon,minLat,maxLon,maxLat` in WGS 84 degrees. */
export const bbox = z
  .string()
  .transform((text, context) => {
    const texts = text.split(',').map((part) => part.trim());
    const parts = texts.map(Number);
    const [minLon, minLat, maxLon, maxLat] = parts;
    if (texts.length !== 4 || texts.some((part) => !DECIMAL_DEGREES.test(part))) {
      context.addIssue({ code: 'custom', message: 'expected four numbers: minLon,minLat,maxLon,maxLat' });
      return z.NEVER;
    }
    if (minLon! < -180 || maxLon! > 180 || minLat! < -90 || maxLat! > 90 || minLat! > maxLat! || minLon! > maxLon!) {
      context.addIssue({
        code: 'custom',
        message: 'expected minLon <= maxLon within [-180, 180] and minLat <= maxLat within [-90, 90]',
      });
      return z.NEVER;
    }
    return { minLon: minLon!, minLat: minLat!, maxLon: maxLon!, maxLat: maxLat! };
  })
  .meta({ description: 'Bounding box `minLon,minLat,maxLon,maxLat` in WGS 84 degrees.', example: '-125,32,-114,42' });
export type BoundingBox = z.output<typeof bbox>;

export const sampleListQuery = pageQuery.extend({
  bbox: bbox.optional(),
});

/** The query of a sample window: rows by their position in row order, for a grid that jumps. */
export const sampleWindowQuery = z.object({
  position: z.preprocess(wholeNumberText, z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).default(0).meta({
    description: 'Zero-based position of the first row in row order.',
  }),
  limit: z.preprocess(wholeNumberText, z.coerce.number().int().min(1).max(1000)).default(100).meta({
    description: 'Maximum number of rows (1 to 1000).',
  }),
  around: uuid.optional().meta({
    description:
      'Id of a sample of the dataset. The window then starts half a window before that sample (or at the first row), and `position` is ignored.',
  }),
});
export type SampleWindowQuery = z.infer<typeof sampleWindowQuery>;

/** Consecutive rows of a dataset from one snapshot, with the seq and row count of that snapshot. */
export const sampleWindow = z
  .object({
    position: z.number().int().meta({ description: 'Position of the first item in row order: the requested one, or the one chosen for `around`.' }),
    total: z.number().int().meta({ description: 'Number of rows in the dataset in the same snapshot.' }),
    seq: z.number().int().meta({ description: 'The dataset change the snapshot includes last; apply later changes on top.' }),
    items: z.array(sample),
  })
  .meta({ id: 'SampleWindow' });
export type SampleWindow = z.infer<typeof sampleWindow>;
