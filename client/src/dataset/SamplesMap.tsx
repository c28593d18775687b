import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Feature, Point } from 'geojson';
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import type { ClientConfig } from '../api/client-config.js';
import type { SampleProperties } from '../api/samples.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatCoordinate } from '../format/cell-text.js';
import { summariseMap } from '../format/map-summary.js';
import type { LiveDataset } from '../realtime/live-dataset.js';
import { addBasemap } from '../map/basemap-layers.js';
import { WORLD_BOX } from '../map/extent.js';
import { createMapPoints, MAP_POINT_LIMIT } from './map-points.js';
import { createLiveMarkers } from './live-markers.js';
import { createMapFit } from './map-fit.js';
import { createMapShapes, type MapShapes, type ShapeClick } from './map-shapes.js';
import { geometryText } from '../../../common/geometry-text.js';

const BASEMAP_PANE = 'basemap';

const POINT_STYLE: L.CircleMarkerOptions = {
  radius: 4,
  color: '#ffffff',
  weight: 1,
  fillColor: '#c2410c',
  fillOpacity: 0.85,
};

/**
 * Draws the dataset's located samples as circle markers on Leaflet's canvas renderer, over a
 * bundled country outline and, when the server names one, a tile layer. Live changes move, add
 * and remove points; an editor can drag a point to move its sample.
 */
export function SamplesMap(props: {
  dataset: Dataset;
  config: ClientConfig | undefined;
  reloadToken: number;
  live: LiveDataset;
  selectedSampleId: string | null;
  onSelectSample: (sampleId: string | null) => void;
}) {
  let container: HTMLDivElement | undefined;
  let map: L.Map | undefined;
  let markers: L.GeoJSON<SampleProperties> | undefined;
  let shapes: MapShapes | undefined;
  const [markerCount, setMarkerCount] = createSignal(0);
  const [shapeCount, setShapeCount] = createSignal(0);
  const liveMarkers = createLiveMarkers({
    live: props.live,
    layer: () => markers,
    map: () => map,
    style: POINT_STYLE,
    onCount: setMarkerCount,
    onSelect: (id) => props.onSelectSample(id),
  });

  const points = createMapPoints(() => props.dataset.id, {
    onReset: () => {
      markers?.clearLayers();
      liveMarkers.clear();
      shapes?.clear();
    },
    onPage: (page) => {
      markers?.addData(page);
      shapes?.addPage(page);
    },
  });

  onMount(() => {
    if (!container) return;
    map = createMap(container);
    markers = L.geoJSON<SampleProperties>(undefined, {
      pointToLayer: (_feature, latlng) => L.circleMarker(latlng, POINT_STYLE),
      onEachFeature: (feature, layer) => liveMarkers.register(String(feature.id), layer as L.CircleMarker),
    }).addTo(map);
    markers.on('click', (event: L.LeafletMouseEvent) => {
      if (liveMarkers.wasDragged()) return;
      const feature = (event.propagatedFrom as { feature?: Feature<Point, SampleProperties> } | undefined)?.feature;
      if (feature) props.onSelectSample(String(feature.id));
      showPopup(map!, event);
    });
    shapes = createMapShapes({
      map,
      live: props.live,
      onClick: (click) => {
        props.onSelectSample(click.sampleId);
        // A shape drawn by a live change has no name from a page of points; the grid may have read it.
        const sampleName = click.sampleName || (props.live.table.shownRow(click.sampleId)?.name ?? '');
        showShapePopup(map!, { ...click, sampleName }, props.live.fields());
      },
      onCount: setShapeCount,
    });
    createEffect(() => {
      liveMarkers.highlight(props.selectedSampleId);
      shapes?.highlight(props.selectedSampleId);
    });

    const resizeObserver = new ResizeObserver(() => map?.invalidateSize());
    resizeObserver.observe(container);
    onCleanup(() => resizeObserver.disconnect());

    let tiles: L.TileLayer | undefined;
    createEffect(() => {
      tiles ??= addTiles(map!, props.config);
    });
    createMapFit(map, () => props.dataset, props.live, { bounds: () => shapes?.bounds() ?? null, count: shapeCount });
    // Live changes move, add and remove points one by one, so the points are read again only for
    // another dataset or when reloadToken grows. It grows after an import merged rows, after the
    // page fell too far behind to replay changes, and when a failed read is retried. The memo
    // keeps refetches, which store a new dataset object, from re-running the load. locatedCount is
    // not checked, because the page reads the new counts only after reloadToken grew.
    const datasetId = createMemo(() => props.dataset.id);
    createEffect(on([datasetId, () => props.reloadToken], () => points.load()));
  });
  onCleanup(() => map?.remove());

  const summary = () =>
    summariseMap({
      sampleCount: props.dataset.sampleCount,
      locatedCount: props.dataset.locatedCount,
      drawn: markerCount(),
      loading: points.loading(),
      limit: MAP_POINT_LIMIT,
      shapes: shapeCount(),
    });

  return (
    <figure class="map-figure">
      <div
        ref={container}
        class="samples-map"
        role="region"
        aria-label="Map of the dataset's located samples"
        data-marker-count={markerCount()}
        data-shape-count={shapeCount()}
      />
      <figcaption class="map-summary" aria-live="polite">
        {summary()}
      </figcaption>
      <Show when={points.error()}>
        <ErrorNotice error={points.error()} title="The map points could not be loaded." onRetry={() => points.load()} />
      </Show>
    </figure>
  );
}

function createMap(container: HTMLDivElement): L.Map {
  const map = L.map(container, { preferCanvas: true, minZoom: 1, worldCopyJump: true, zoomSnap: 0.5 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

  // The outline sits below the tile pane (z-index 200), so tiles cover it once they load.
  map.createPane(BASEMAP_PANE).style.zIndex = '150';
  // GeoJSON passes its options on to each polygon it makes, so `renderer` reaches them (the typings omit it).
  const basemapOptions: L.GeoJSONOptions & L.PathOptions = {
    pane: BASEMAP_PANE,
    renderer: L.canvas({ pane: BASEMAP_PANE }),
    interactive: false,
    style: { color: '#a8a290', weight: 0.6, fillColor: '#ece8dc', fillOpacity: 1 },
    attribution: 'Country outlines: Natural Earth',
  };
  map.fitBounds(WORLD_BOX);
  addBasemap(map, basemapOptions);
  return map;
}

function addTiles(map: L.Map, config: ClientConfig | undefined): L.TileLayer | undefined {
  if (!config?.mapTileUrl) return undefined;
  // The attribution is HTML set by the portal's operator in MAP_TILE_ATTRIBUTION, not by users.
  return L.tileLayer(config.mapTileUrl, { attribution: config.mapTileAttribution, maxZoom: 19 }).addTo(map);
}

/** Opens a popup naming the clicked sample; its text goes in as text nodes, never as HTML. */
function showPopup(map: L.Map, event: L.LeafletMouseEvent): void {
  const feature = (event.propagatedFrom as { feature?: Feature<Point, SampleProperties> } | undefined)?.feature;
  if (!feature) return;

  const content = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = feature.properties.name || 'Unnamed sample';
  const position = document.createElement('div');
  // The point's own position, because a live move changes it but not the feature it was drawn from.
  const { lat, lng } = (event.propagatedFrom as L.CircleMarker).getLatLng();
  position.textContent = `${formatCoordinate(lat)}, ${formatCoordinate(L.Util.wrapNum(lng, [-180, 180], true))}`;
  content.append(name, position);

  L.popup().setLatLng(event.latlng).setContent(content).openOn(map);
}

/** Opens a popup naming the sample whose shape was clicked, the shape's field and what the shape is. */
function showShapePopup(map: L.Map, click: ShapeClick, fields: readonly { key: string; label: string }[]): void {
  const content = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = click.sampleName || 'Unnamed sample';
  const shape = document.createElement('div');
  const label = fields.find((field) => field.key === click.key)?.label ?? click.key;
  shape.textContent = `${label}: ${geometryText(click.geometry as unknown as Record<string, unknown>)}`;
  content.append(name, shape);
  L.popup().setLatLng(click.event.latlng).setContent(content).openOn(map);
}
