import L from 'leaflet';
import type { Geometry } from 'geojson';
import { onCleanup } from 'solid-js';
import type { CellValue, Sample } from '../../../common/api/samples.js';
import { isGeometry } from '../../../common/cell-values.js';
import type { DatasetOp } from '../../../common/events.js';
import type { SampleFeaturePage } from '../api/samples.js';
import type { LiveDataset } from '../realtime/live-dataset.js';

/** Teal, so shapes stay apart from the orange sample points drawn over them. */
const SHAPE_STYLE: L.PathOptions = { color: '#0f766e', weight: 2, fillColor: '#14b8a6', fillOpacity: 0.18 };
const SELECTED_SHAPE_STYLE: L.PathOptions = { color: '#1f5f8b', weight: 3, fillColor: '#1f5f8b', fillOpacity: 0.25 };

/** A click on a shape: its sample and the field holding the shape. */
export interface ShapeClick {
  sampleId: string;
  sampleName: string;
  key: string;
  geometry: Geometry;
  event: L.LeafletMouseEvent;
}

export interface MapShapes {
  /** The box around every shape drawn, or null when none is. */
  bounds(): L.LatLngBounds | null;
  /** Draws the shapes held by the geometry fields of a page of samples. */
  addPage(page: SampleFeaturePage): void;
  clear(): void;
  highlight(sampleId: string | null): void;
}

/**
 * Draws the lines, polygons and multi-points that samples hold in geometry fields, such as the
 * transects and plots of a GeoJSON or WKT import, below the sample points. A sample's point is
 * where it is located (on its shape); the shape shows what it covers. Live changes of a geometry
 * cell, a sample or a geometry field redraw the shapes they touch.
 */
export function createMapShapes(options: {
  map: L.Map;
  live: LiveDataset;
  onClick: (click: ShapeClick) => void;
  onCount: (count: number) => void;
}): MapShapes {
  // By sample id, then by field key.
  const drawn = new Map<string, Map<string, L.GeoJSON>>();
  // The names of samples with shapes, for the popup.
  const names = new Map<string, string>();
  let selectedId: string | null = null;

  const styleOf = (sampleId: string) => (sampleId === selectedId ? SELECTED_SHAPE_STYLE : SHAPE_STYLE);

  const remove = (sampleId: string, key?: string) => {
    const shapes = drawn.get(sampleId);
    if (!shapes) return;
    for (const [shapeKey, layer] of shapes) {
      if (key !== undefined && shapeKey !== key) continue;
      layer.remove();
      shapes.delete(shapeKey);
    }
    if (shapes.size > 0) return;
    drawn.delete(sampleId);
    names.delete(sampleId);
  };

  const place = (sampleId: string, key: string, value: CellValue | undefined) => {
    remove(sampleId, key);
    if (!isGeometry(value) || value.type === 'Point') return;
    // Only the geometry's own members reach Leaflet, which would draw a foreign "features" member as features.
    const geometry = { type: value.type, coordinates: value.coordinates } as Geometry;
    const layer = L.geoJSON(geometry, {
      style: () => styleOf(sampleId),
      pointToLayer: (_feature, latlng) => L.circleMarker(latlng, { ...styleOf(sampleId), radius: 3 }),
    });
    layer.on('click', (event: L.LeafletMouseEvent) => options.onClick({ sampleId, sampleName: names.get(sampleId) ?? '', key, geometry, event }));
    layer.addTo(options.map);
    // The points share the canvas; drawn first, a shape stays under them and their clicks.
    layer.bringToBack();
    let shapes = drawn.get(sampleId);
    if (!shapes) drawn.set(sampleId, (shapes = new Map()));
    shapes.set(key, layer);
  };

  const placeValues = (sampleId: string, name: string, values: Record<string, CellValue> | undefined) => {
    for (const [key, value] of Object.entries(values ?? {})) if (isGeometry(value)) place(sampleId, key, value);
    if (drawn.has(sampleId)) names.set(sampleId, name);
  };

  const removeKey = (key: string) => {
    for (const sampleId of [...drawn.keys()]) remove(sampleId, key);
  };

  const report = () => options.onCount([...drawn.values()].reduce((total, shapes) => total + shapes.size, 0));

  const applyOp = (op: DatasetOp) => {
    switch (op.type) {
      case 'cell.set':
        return place(op.sampleId, op.key, op.after);
      case 'sample.insert':
        return placeValues(op.sample.id, op.sample.name, op.sample.values);
      case 'sample.update':
        return updateValues(op.sampleId, op.before, op.after);
      case 'sample.delete':
        return remove(op.sampleId);
      case 'field.delete':
        return removeKey(op.field.key);
      case 'field.update': {
        // A geometry field retyped to another type has no shapes left. A field retyped to geometry has none yet.
        if (op.before.type !== 'geometry' || op.after.type === undefined || op.after.type === 'geometry') return;
        const key = op.before.key ?? options.live.fields().find((field) => field.id === op.fieldId)?.key;
        if (key !== undefined) removeKey(key);
        return;
      }
      case 'field.insert':
        for (const [sampleId, value] of Object.entries(op.values ?? {})) place(sampleId, op.field.key, value);
        return;
      case 'sample.set':
        if (op.property === 'name' && drawn.has(op.sampleId)) names.set(op.sampleId, String(op.after));
        return;
      default:
        return;
    }
  };

  // An update names every value of the sample after it, so a key missing there was cleared.
  const updateValues = (sampleId: string, before: Partial<Sample>, after: Partial<Sample>) => {
    if (after.values) {
      const keys = new Set([...Object.keys(before.values ?? {}), ...Object.keys(after.values)]);
      for (const key of keys) place(sampleId, key, after.values[key]);
    }
    if (after.name !== undefined && drawn.has(sampleId)) names.set(sampleId, after.name);
  };

  const unsubscribe = options.live.onCommitted((ops) => {
    for (const op of ops) applyOp(op);
    report();
  });
  onCleanup(unsubscribe);

  return {
    bounds() {
      let box: L.LatLngBounds | null = null;
      for (const shapes of drawn.values()) {
        for (const layer of shapes.values()) {
          const layerBox = layer.getBounds();
          if (!layerBox.isValid()) continue;
          box = box ? box.extend(layerBox) : L.latLngBounds(layerBox.getSouthWest(), layerBox.getNorthEast());
        }
      }
      return box;
    },
    addPage(page) {
      for (const feature of page.features) placeValues(feature.id, feature.properties.name, feature.properties.values);
      report();
    },
    clear() {
      for (const sampleId of [...drawn.keys()]) remove(sampleId);
      report();
    },
    highlight(sampleId) {
      const previous = selectedId;
      selectedId = sampleId;
      for (const id of [previous, sampleId]) {
        if (id === null) continue;
        for (const layer of drawn.get(id)?.values() ?? []) layer.setStyle(styleOf(id));
      }
    },
  };
}
