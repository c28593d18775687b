import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

export const FIELD_TYPES = ['text', 'number', 'integer', 'date', 'datetime', 'boolean', 'term', 'geometry'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A field key: lowercase letters, digits and underscores, starting with a letter. */
export const fieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'use 1 to 63 lowercase letters, digits and "_", starting with a letter');

const fieldProperties = {
  label: z.string().trim().min(1).max(300),
  type: z.enum(FIELD_TYPES),
  unit: z.string().trim().max(100).nullable().meta({ description: 'Unit of the values, preferably UCUM, e.g. "mg/L".' }),
  description: z.string().max(5000),
  termIri: z.url({ protocol: /^(https?|urn)$/ }).max(2000).nullable().meta({ description: 'IRI (http, https or urn) of the concept this field measures.' }),
  vocabularyIri: z.url({ protocol: /^(https?|urn)$/ }).max(2000).nullable().meta({ description: 'IRI (http, https or urn) of the vocabulary a `term` field draws from.' }),
  required: z.boolean(),
};

export const fieldCreate = z
  .object({
    key: fieldKey.optional().meta({ description: 'Derived from the label when omitted.' }),
    label: fieldProperties.label,
    type: fieldProperties.type,
    unit: fieldProperties.unit.default(null),
    description: fieldProperties.description.default(''),
    termIri: fieldProperties.termIri.default(null),
    vocabularyIri: fieldProperties.vocabularyIri.default(null),
    required: fieldProperties.required.default(false),
  })
  .meta({ id: 'FieldCreate' });
export type FieldCreate = z.input<typeof fieldCreate>;

export const fieldUpdate = z.object(fieldProperties).partial().meta({ id: 'FieldUpdate' });
export type FieldUpdate = z.infer<typeof fieldUpdate>;

export const field = z
  .object({
    id: uuid,
    datasetId: uuid,
    key: fieldKey,
    ...fieldProperties,
    position: z.number().int(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Field' });
export type Field = z.infer<typeof field>;
