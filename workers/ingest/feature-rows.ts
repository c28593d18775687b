import type { FeatureColumnSource } from './import-plan.js';

/** A GeoJSON Feature as far as the scan relies on its shape. */
export interface FeatureLike {
  type?: unknown;
  id?: unknown;
  geometry?: unknown;
  properties?: unknown;
}

/** Tells whether a parsed value is a GeoJSON Feature object. */
export function isFeature(value: unknown): value is FeatureLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as FeatureLike).type === 'Feature';
}

/** Tells whether a geometry member is a Point with at least two coordinates. */
export function isPointGeometry(geometry: unknown): geometry is { type: 'Point'; coordinates: unknown[] } {
  const candidate = geometry as { type?: unknown; coordinates?: unknown } | null;
  return candidate?.type === 'Point' && Array.isArray(candidate.coordinates) && candidate.coordinates.length >= 2;
}

/**
 * Returns why a parsed value cannot be read as a GeoJSON Feature, or null when it can. Both passes
 * over a file use it, so the analysis counts exactly the features the load rejects.
 */
export function featureProblem(value: unknown): string | null {
  if (!isFeature(value)) return 'the value is not a GeoJSON Feature (an object with "type": "Feature")';
  const { properties, geometry } = value;
  if (properties !== undefined && properties !== null && (typeof properties !== 'object' || Array.isArray(properties))) {
    return 'the "properties" member is not an object';
  }
  if (geometry !== undefined && geometry !== null && (typeof geometry !== 'object' || typeof (geometry as { type?: unknown }).type !== 'string')) {
    return 'the "geometry" member is not a GeoJSON geometry object';
  }
  return null;
}

/** Lays a feature's id, properties, third coordinate and geometry out as cells by the plan's columns. */
export class FeatureCellMapper {
  private readonly propertyIndex = new Map<string, number>();
  private readonly idIndex: number;
  private readonly thirdCoordinateIndex: number;
  private readonly geometryIndex: number;

  constructor(private readonly sources: readonly FeatureColumnSource[]) {
    sources.forEach((source, index) => {
      if (source.kind === 'property') this.propertyIndex.set(source.name, index);
    });
    this.idIndex = sources.findIndex((source) => source.kind === 'feature-id');
    this.thirdCoordinateIndex = sources.findIndex((source) => source.kind === 'third-coordinate');
    this.geometryIndex = sources.findIndex((source) => source.kind === 'geometry');
  }

  /** Returns the feature's cells; call only for features that featureProblem accepts. */
  cells(feature: { id?: unknown; properties?: unknown; geometry?: unknown }): unknown[] {
    const cells = new Array<unknown>(this.sources.length);
    if (this.idIndex >= 0) cells[this.idIndex] = feature.id;

    const properties = feature.properties as Record<string, unknown> | null | undefined;
    if (properties) {
      for (const name in properties) {
        const index = this.propertyIndex.get(name);
        if (index !== undefined) cells[index] = properties[name];
      }
    }

    const geometry = feature.geometry;
    if (isPointGeometry(geometry)) {
      if (this.thirdCoordinateIndex >= 0) cells[this.thirdCoordinateIndex] = geometry.coordinates[2];
    } else if (geometry && this.geometryIndex >= 0) {
      cells[this.geometryIndex] = geometry;
    }
    return cells;
  }
}
