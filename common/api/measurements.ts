import { z } from 'zod';
import { isoDateTime, uuid } from './common.js';

export const QUALIFIERS = ['<', '>', 'bdl'] as const;

const measurementProperties = {
  valueNumber: z.number().finite().nullable(),
  valueText: z.string().max(10_000).nullable(),
  unit: z.string().trim().max(100).nullable(),
  qualifier: z.enum(QUALIFIERS).nullable().meta({
    description: '"<" below and ">" above the given value; "bdl" below detection limit with no value.',
  }),
  detectionLimit: z.number().finite().nullable(),
  uncertainty: z.number().finite().min(0).nullable(),
  method: z.string().trim().max(1000).nullable(),
  instrument: z.string().trim().max(1000).nullable(),
  measuredAt: isoDateTime.nullable(),
};

export const measurementCreate = z
  .object({
    fieldId: uuid,
    valueNumber: measurementProperties.valueNumber.default(null),
    valueText: measurementProperties.valueText.default(null),
    unit: measurementProperties.unit.default(null),
    qualifier: measurementProperties.qualifier.default(null),
    detectionLimit: measurementProperties.detectionLimit.default(null),
    uncertainty: measurementProperties.uncertainty.default(null),
    method: measurementProperties.method.default(null),
    instrument: measurementProperties.instrument.default(null),
    measuredAt: measurementProperties.measuredAt.default(null),
  })
  .refine((m) => m.valueNumber !== null || m.valueText !== null || m.qualifier === 'bdl', {
    message: 'give valueNumber or valueText, or qualifier "bdl" for a value below the detection limit',
    path: ['valueNumber'],
  })
  .meta({ id: 'MeasurementCreate' });
export type MeasurementCreate = z.input<typeof measurementCreate>;

export const measurementUpdate = z.object(measurementProperties).partial().meta({ id: 'MeasurementUpdate' });
export type MeasurementUpdate = z.infer<typeof measurementUpdate>;

export const measurement = z
  .object({
    id: uuid,
    sampleId: uuid,
    fieldId: uuid,
    ...measurementProperties,
    importId: uuid.nullable(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Measurement' });
export type Measurement = z.infer<typeof measurement>;
