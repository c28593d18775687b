import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { unwrapRing } from './antimeridian.js';

type CountriesTopology = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

let cached: FeatureCollection | null = null;
let detailed: Promise<FeatureCollection> | null = null;

/**
 * Returns the country outlines of Natural Earth at 1:110 million (public domain) as GeoJSON
 * ready for a flat map. They are bundled with the client, so the map has a basemap without any
 * tile server.
 */
export function worldCountries(): FeatureCollection {
  if (cached) return cached;
  const topology = countries110m as unknown as CountriesTopology;
  const collection = feature(topology, topology.objects.countries);
  cached = { type: 'FeatureCollection', features: collection.features.map(flattenFeature) };
  return cached;
}

/**
 * Loads the country outlines at 1:50 million, for maps zoomed in to a region, where the coarse
 * outlines are only a few straight lines. They are a separate chunk of about 750 KB, read once
 * and only when needed.
 */
export function detailedCountries(): Promise<FeatureCollection> {
  detailed ??= import('world-atlas/countries-50m.json').then((module) => {
    const topology = module.default as unknown as CountriesTopology;
    const collection = feature(topology, topology.objects.countries);
    return { type: 'FeatureCollection', features: collection.features.map(flattenFeature) };
  });
  return detailed;
}

function flattenFeature(country: Feature): Feature {
  const geometry = country.geometry;
  if (geometry?.type === 'Polygon') return { ...country, geometry: { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) } satisfies Polygon };
  if (geometry?.type === 'MultiPolygon') {
    return { ...country, geometry: { ...geometry, coordinates: geometry.coordinates.map((rings) => rings.map(unwrapRing)) } satisfies MultiPolygon };
  }
  return country;
}
