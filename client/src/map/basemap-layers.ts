import L from 'leaflet';
import { detailedCountries, worldCountries } from './basemap.js';

/** The zoom from which the detailed outlines are drawn. Below it the coarse ones are. */
const DETAILED_FROM_ZOOM = 4;

/**
 * Draws the bundled country outlines with `options` (pane, style): the coarse 1:110 million
 * outlines for the world and whole continents, and the 1:50 million ones once the map is zoomed
 * in to a region. The detailed outlines are loaded the first time they are needed.
 */
export function addBasemap(map: L.Map, options: L.GeoJSONOptions & L.PathOptions): void {
  const coarse = L.geoJSON(worldCountries(), options).addTo(map);
  let fine: L.GeoJSON | null = null;
  let loading = false;

  const show = () => {
    const zoomedIn = map.getZoom() >= DETAILED_FROM_ZOOM;
    if (zoomedIn && !fine && !loading) {
      loading = true;
      // A failed load keeps the coarse outlines, which still work, and is not tried again.
      void detailedCountries().then(
        (countries) => {
          fine = L.geoJSON(countries, options);
          show();
        },
        () => undefined,
      );
    }
    if (!fine) return;
    swap(map, zoomedIn ? fine : coarse, zoomedIn ? coarse : fine);
  };
  map.on('zoomend', show);
  show();
}

function swap(map: L.Map, visible: L.Layer, hidden: L.Layer): void {
  if (map.hasLayer(hidden)) map.removeLayer(hidden);
  if (!map.hasLayer(visible)) map.addLayer(visible);
}
