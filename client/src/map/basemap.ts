import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';
import { unwrapRing } from './antimeridian.js';

type CountriesTopology = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

let cached: FeatureCollection | null = null;

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

function flattenFeature(country: Feature): Feature {
  const geometry = country.geometry;
  if (geometry?.type === 'Polygon') return { ...country, geometry: { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) } satisfies Polygon };
  if (geometry?.type === 'MultiPolygon') {
    return { ...country, geometry: { ...geometry, coordinates: geometry.coordinates.map((rings) => rings.map(unwrapRing)) } satisfies MultiPolygon };
  }
  return country;
}
