import L from 'leaflet';
import { createEffect, onCleanup } from 'solid-js';
import type { Sample } from '../../../common/api/samples.js';
import type { DatasetOp } from '../../../common/events.js';
import type { LiveDataset } from '../realtime/live-dataset.js';

/** Pixels a pointer must move on a point before a press becomes a drag rather than a click. */
const DRAG_THRESHOLD_PX = 4;

const SELECTED_STYLE: L.PathOptions = { color: '#1f5f8b', weight: 3, fillColor: '#1f5f8b', radius: 6 } as L.PathOptions;

export interface LiveMarkers {
  /** Records the marker of a sample drawn from a page of points. */
  register(sampleId: string, marker: L.CircleMarker): void;
  clear(): void;
  highlight(sampleId: string | null): void;
  /** Whether the last press on a point was a drag, so its click opens no popup. */
  wasDragged(): boolean;
}

/**
 * Keeps the map's points in step with the live changes (a moved, added or deleted sample), and
 * lets editors drag a point to move its sample: the drop sends one edit of the location. Points
 * others have focused get their colour.
 */
export function createLiveMarkers(options: {
  live: LiveDataset;
  layer: () => L.GeoJSON | undefined;
  map: () => L.Map | undefined;
  style: L.CircleMarkerOptions;
  onCount: (count: number) => void;
  onSelect: (sampleId: string) => void;
}): LiveMarkers {
  const byId = new Map<string, L.CircleMarker>();
  const idOf = new Map<L.CircleMarker, string>();
  let selectedId: string | null = null;
  let dragged = false;

  const report = () => options.onCount(byId.size);

  const styleOf = (sampleId: string): L.PathOptions => {
    if (sampleId === selectedId) return SELECTED_STYLE;
    const viewer = options.live.viewers().find((candidate) => candidate.focus?.sampleId === sampleId);
    return viewer ? { ...options.style, color: viewer.colour, weight: 3 } : options.style;
  };

  const register = (sampleId: string, marker: L.CircleMarker) => {
    const existing = byId.get(sampleId);
    if (existing && existing !== marker) options.layer()?.removeLayer(existing);
    byId.set(sampleId, marker);
    idOf.set(marker, sampleId);
    marker.setStyle(styleOf(sampleId));
    marker.on('mousedown', (event: L.LeafletMouseEvent) => startDrag(sampleId, marker, event));
    report();
  };

  const place = (sampleId: string, location: Sample['location']) => {
    const marker = byId.get(sampleId);
    if (!location) {
      if (marker) remove(sampleId);
      return;
    }
    const latlng = L.latLng(location.coordinates[1], location.coordinates[0]);
    if (marker) {
      marker.setLatLng(latlng);
      return;
    }
    const created = L.circleMarker(latlng, options.style);
    (created as L.CircleMarker & { feature?: unknown }).feature = { type: 'Feature', id: sampleId, geometry: location, properties: {} };
    options.layer()?.addLayer(created);
    register(sampleId, created);
  };

  const remove = (sampleId: string) => {
    const marker = byId.get(sampleId);
    if (!marker) return;
    options.layer()?.removeLayer(marker);
    byId.delete(sampleId);
    idOf.delete(marker);
    report();
  };

  /** Points dropped whose edit is not settled yet, with where each was picked up. */
  const awaiting = new Map<string, L.LatLng>();

  const applyOps = (ops: DatasetOp[]) => {
    for (const op of ops) {
      if (op.type === 'sample.set' && op.property === 'location') {
        awaiting.delete(op.sampleId);
        place(op.sampleId, op.after as Sample['location']);
      } else if (op.type === 'sample.update' && 'location' in op.after) place(op.sampleId, op.after.location ?? null);
      else if (op.type === 'sample.insert') place(op.sample.id, op.sample.location);
      else if (op.type === 'sample.delete') remove(op.sampleId);
    }
  };
  const unsubscribe = options.live.onCommitted(applyOps);
  onCleanup(unsubscribe);

  // A dropped point whose edit the server rejected goes back: to where the committed row has it,
  // or, for a row the grid has not read, to where it was picked up. An applied edit's change
  // places the point and ends the wait first.
  createEffect(() => {
    options.live.version();
    for (const [id, origin] of awaiting) {
      if (options.live.table.isPendingRow(id)) continue;
      awaiting.delete(id);
      const row = options.live.table.shownRow(id);
      if (row) place(id, row.location);
      else byId.get(id)?.setLatLng(origin);
    }
  });

  // Points others have focused take their colour.
  let outlined = new Set<string>();
  createEffect(() => {
    const focused = new Set(options.live.viewers().flatMap((viewer) => (viewer.focus?.sampleId ? [viewer.focus.sampleId] : [])));
    for (const id of new Set([...outlined, ...focused])) byId.get(id)?.setStyle(styleOf(id));
    outlined = focused;
  });

  const startDrag = (sampleId: string, marker: L.CircleMarker, down: L.LeafletMouseEvent) => {
    const map = options.map();
    dragged = false;
    if (!map || !options.live.canEdit()) return;
    const origin = marker.getLatLng();
    const startPoint = down.containerPoint;
    map.dragging.disable();

    const onMove = (event: L.LeafletMouseEvent) => {
      if (!dragged && event.containerPoint.distanceTo(startPoint) < DRAG_THRESHOLD_PX) return;
      dragged = true;
      marker.setLatLng(event.latlng);
    };
    const onUp = (event: L.LeafletMouseEvent) => {
      map.off('mousemove', onMove);
      map.dragging.enable();
      // The browser may merge the last moves into the release, so the drop is where the pointer is released.
      onMove(event);
      if (!dragged) return;
      const { lat, lng } = marker.getLatLng();
      const longitude = L.Util.wrapNum(lng, [-180, 180], true);
      if (Math.abs(lat) > 90) {
        marker.setLatLng(origin);
        return;
      }
      options.onSelect(sampleId);
      awaiting.set(sampleId, origin);
      options.live.edit([{ type: 'sample.set', sampleId, property: 'location', value: { type: 'Point', coordinates: [longitude, lat] } }]);
    };
    map.on('mousemove', onMove);
    map.once('mouseup', onUp);
  };

  return {
    register,
    clear() {
      byId.clear();
      idOf.clear();
      report();
    },
    highlight(sampleId) {
      const previous = selectedId;
      selectedId = sampleId;
      if (previous) byId.get(previous)?.setStyle(styleOf(previous)).setRadius(options.style.radius ?? 4);
      const marker = sampleId ? byId.get(sampleId) : undefined;
      if (marker) marker.setStyle(SELECTED_STYLE).setRadius(6).bringToFront();
    },
    wasDragged: () => dragged,
  };
}
