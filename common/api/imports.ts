import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

export const IMPORT_FORMATS = ['csv', 'geojson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** Where a running import is: analysing the file, loading rows, or merging them into the dataset. */
export const IMPORT_PHASES = ['queued', 'analysing', 'loading', 'merging', 'done'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

export const importIssue = z
  .object({
    line: z.number().int().nullable().meta({ description: 'Line in the file (1 is the header of a CSV), or null for the whole file.' }),
    column: z.string().nullable(),
    value: z.string().nullable(),
    reason: z.string(),
  })
  .meta({ id: 'ImportIssue' });
export type ImportIssue = z.infer<typeof importIssue>;

export const importCounts = z
  .object({
    rows: z.number().int(),
    samples: z.number().int(),
    located: z.number().int(),
    unlocated: z.number().int(),
    measurements: z.number().int(),
    fieldsCreated: z.number().int(),
    fieldsWidened: z.number().int().meta({ description: 'Existing integer fields changed to number because the file had decimals for them; absent when none.' }),
    rejectedRows: z.number().int(),
  })
  .partial()
  .meta({ id: 'ImportCounts' });
export type ImportCounts = z.infer<typeof importCounts>;

export const importRecord = z
  .object({
    id: uuid,
    datasetId: uuid,
    userId: uuid.nullable(),
    originalName: z.string(),
    sizeBytes: z.number().int(),
    checksumSha256: z.string(),
    format: z.enum(IMPORT_FORMATS),
    state: z.enum(IMPORT_STATES),
    phase: z.enum(IMPORT_PHASES),
    rowsDone: z.number().int(),
    rowsTotal: z.number().int().nullable(),
    counts: importCounts,
    issueCount: z.number().int(),
    issues: z.array(importIssue).meta({ description: 'The first issues found; issueCount tells how many there were.' }),
    error: z.string().nullable(),
    changeSeq: z.number().int().nullable(),
    createdAt: isoDateTime,
    startedAt: isoDateTime.nullable(),
    finishedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Import' });
export type ImportRecord = z.infer<typeof importRecord>;
