import { z } from 'zod';

/**
 * A UUID identifying any stored resource. It is accepted in any letter case and read in lower
 * case, as PostgreSQL writes it back, so an id a client sent in upper case matches the rows, maps
 * and change-log entries that name it.
 */
export const uuid = z.uuid().overwrite((id) => id.toLowerCase());

/**
 * An ISO 8601 date-time with an offset, as every timestamp in the API is written, in the years
 * 0001 to 9999 that PostgreSQL timestamps and JavaScript dates share.
 */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((value) => !value.startsWith('0000'), 'the year must be between 0001 and 9999');

/** A keyword list: trimmed, non-empty, unique entries. */
export const keywords = z
  .array(z.string().trim().min(1).max(100))
  .max(50)
  .refine((list) => new Set(list.map((k) => k.toLowerCase())).size === list.length, {
    message: 'keywords must be unique',
  });

/** Rejects a query parameter given twice (`?limit=1&limit=2`), which Express parses as an array. */
export function singleQueryValue(value: unknown, context: z.RefinementCtx): unknown {
  if (Array.isArray(value)) {
    context.addIssue({ code: 'custom', message: 'give this parameter once' });
    return z.NEVER;
  }
  return value;
}

/**
 * Rejects a query number written other than as plain digits. `z.coerce.number()` alone reads an
 * empty value as 0, `0x10` as 16 and `1e2` as 100, which hides a client's mistake.
 */
export function wholeNumberText(value: unknown, context: z.RefinementCtx): unknown {
  const single = singleQueryValue(value, context);
  if (typeof single === 'string' && !/^\d+$/.test(single)) {
    context.addIssue({ code: 'custom', message: `"${single.slice(0, 40)}" is not a whole number; write digits only, such as 0 or 1200` });
    return z.NEVER;
  }
  return single;
}

/** The query parameters of every paginated listing. */
export const pageQuery = z.object({
  limit: z.preprocess(singleQueryValue, z.coerce.number().int().min(1).max(1000)).default(50).meta({
    description: 'Maximum number of items in the page (1 to 1000).',
  }),
  cursor: z.string().max(500).optional().meta({
    description: 'The `nextCursor` of the previous page; omit it for the first page.',
  }),
});

/** Wraps an item schema into a page of a cursor-paginated listing. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({
      description: 'Pass as `cursor` to fetch the next page; null on the last page.',
    }),
  });
}

/** A GeoJSON Point in WGS 84 longitude and latitude. */
export const pointGeometry = z
  .object({
    type: z.literal('Point'),
    coordinates: z.tuple([
      z.number().min(-180).max(180).meta({ description: 'Longitude in decimal degrees' }),
      z.number().min(-90).max(90).meta({ description: 'Latitude in decimal degrees' }),
    ]),
  })
  .meta({ id: 'PointGeometry', description: 'GeoJSON Point (RFC 7946), WGS 84 longitude then latitude.' });

/** A GeoJSON Polygon in WGS 84. */
export const polygonGeometry = z
  .object({
    type: z.literal('Polygon'),
    coordinates: z.array(z.array(z.tuple([z.number(), z.number()]))),
  })
  .meta({ id: 'PolygonGeometry', description: 'GeoJSON Polygon (RFC 7946) in WGS 84.' });

export type PointGeometry = z.infer<typeof pointGeometry>;
export type PolygonGeometry = z.infer<typeof polygonGeometry>;
