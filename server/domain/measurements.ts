import type { Measurement as MeasurementDto, MeasurementCreate, MeasurementUpdate } from '../../common/api/measurements.js';
import { DatasetField } from '../db/models/dataset-field.js';
import { Measurement } from '../db/models/measurement.js';
import type { Sample } from '../db/models/sample.js';
import { notFound } from '../http/http-error.js';
import { validationError } from '../http/problem.js';
import { iso, isoOrNull } from './timestamps.js';

export function toMeasurementDto(measurement: Measurement): MeasurementDto {
  return {
    id: measurement.id,
    sampleId: measurement.sampleId,
    fieldId: measurement.fieldId,
    valueNumber: measurement.valueNumber,
    valueText: measurement.valueText,
    unit: measurement.unit,
    qualifier: measurement.qualifier,
    detectionLimit: measurement.detectionLimit,
    uncertainty: measurement.uncertainty,
    method: measurement.method,
    instrument: measurement.instrument,
    measuredAt: isoOrNull(measurement.measuredAt),
    importId: measurement.importId,
    createdAt: iso(measurement.createdAt),
    updatedAt: iso(measurement.updatedAt),
  };
}

/** One page of a sample's measurements, oldest first, after the measurement with id `afterId`. */
export async function listMeasurements(sampleId: string, afterId: string | null, limit: number): Promise<Measurement[]> {
  const query = Measurement.query().where('sampleId', sampleId).orderBy([{ column: 'createdAt' }, { column: 'id' }]).limit(limit + 1);
  // The cursor names a row rather than its timestamp, because JavaScript dates drop the
  // microseconds PostgreSQL keeps and a rounded timestamp would skip or repeat rows.
  if (afterId) query.whereRaw('(created_at, id) > (SELECT created_at, id FROM measurements WHERE id = ?)', [afterId]);
  return query;
}

export async function getMeasurement(measurementId: string): Promise<Measurement> {
  const measurement = await Measurement.query().findById(measurementId);
  if (!measurement) throw notFound('Measurement', measurementId);
  return measurement;
}

/** Records a measurement of one of the sample's dataset fields; the unit defaults to the field's. */
export async function createMeasurement(sample: Sample, input: Required<MeasurementCreate>): Promise<Measurement> {
  const field = await DatasetField.query().findOne({ id: input.fieldId, datasetId: sample.datasetId });
  if (!field) {
    throw validationError([{ field: 'body.fieldId', message: "no field with this id in the sample's dataset" }]);
  }
  return Measurement.query().insertAndFetch({ ...input, sampleId: sample.id, unit: input.unit ?? field.unit });
}

/** Applies a partial change; the result must still have a value, as a new measurement must. */
export async function updateMeasurement(measurement: Measurement, changes: MeasurementUpdate): Promise<Measurement> {
  if (Object.keys(changes).length === 0) return measurement;

  const merged = { ...measurement, ...changes };
  if (merged.valueNumber === null && merged.valueText === null && merged.qualifier !== 'bdl') {
    throw validationError([
      { field: 'body.valueNumber', message: 'the measurement would have no value; keep valueNumber or valueText, or set qualifier "bdl"' },
    ]);
  }
  return Measurement.query().patchAndFetchById(measurement.id, changes);
}
