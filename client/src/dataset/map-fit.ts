import L from 'leaflet';
import { createEffect, createMemo, on, onCleanup } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import type { LiveDataset } from '../realtime/live-dataset.js';
import { extentToBox, WORLD_BOX } from '../map/extent.js';
import { FitControl } from '../map/fit-control.js';
import { FittedView } from '../map/fitted-view.js';

/** The shapes drawn from geometry fields, which a fit takes in besides the located samples. */
export interface FittedShapes {
  /** The box around every shape drawn, or null when none is. */
  bounds(): L.LatLngBounds | null;
  /** How many shapes are drawn; a change refits the view unless the user has moved it. */
  count(): number;
}

/**
 * Fits a map's view to the dataset's extent, and to the shapes drawn from its geometry fields,
 * when the map opens and when the dataset gets its first located sample or loses its last one.
 * It also fits once after each import into the dataset and when the drawn shapes change, unless
 * the user has panned or zoomed since the last fit, and whenever the user presses the map's "Fit
 * to samples" button. Call it where the map is created, so its effects end with the map.
 */
export function createMapFit(map: L.Map, dataset: () => Dataset, live: LiveDataset, shapes: FittedShapes): void {
  const view = new FittedView(map);
  onCleanup(() => view.dispose());
  const fit = () => view.fit(() => fitToDataset(map, dataset(), shapes.bounds()));
  const control = new FitControl(fit).addTo(map);

  // The view is fitted when the map opens and when the dataset gets its first located sample or
  // loses its last one. Other extent changes leave the view as it is, because refitting would
  // move every viewer's map after a point is dragged beyond the extent and undo a viewer's own
  // pan or zoom. The memo is needed because each refetch gives a new dataset object, so an
  // effect reading the dataset itself would run again after every change.
  const hasLocatedSamples = createMemo(() => dataset().spatialExtent !== null);
  createEffect(on(hasLocatedSamples, fit));
  createEffect(() => control.setEnabled(hasLocatedSamples()));

  // A viewer who moved the map to look at something keeps that view; the button brings the
  // imported samples into view.
  const datasetSeq = createMemo(() => dataset().seq);
  fitAfterImports(live, datasetSeq, () => {
    if (!view.movedSinceFit()) fit();
  });
  // Shapes arrive with the pages of points, after the first fit, and a line or polygon may reach
  // beyond the points that locate its samples.
  createEffect(
    on(
      shapes.count,
      () => {
        if (view.isFitting() || !view.movedSinceFit()) fit();
      },
      { defer: true },
    ),
  );
}

/**
 * Fits the view once after each import into the dataset. The import's change arrives before the
 * page reads the dataset again, so the fit waits until the page has read the dataset at that
 * change's seq or later, whose extent includes the imported samples.
 */
function fitAfterImports(live: LiveDataset, datasetSeq: () => number, fit: () => void): void {
  // NOTE: a page that reconnects too far behind to replay changes reads everything again and
  // never applies the import's change, so it does not refit.
  let importSeq: number | null = null;
  const fitIfExtentRead = () => {
    if (importSeq === null || datasetSeq() < importSeq) return;
    importSeq = null;
    fit();
  };

  const unsubscribe = live.onCommitted((ops, seq) => {
    if (!ops.some((op) => op.type === 'import.merge')) return;
    importSeq = seq;
    // A refetch that started before the change was applied may already have read it.
    fitIfExtentRead();
  });
  onCleanup(unsubscribe);
  createEffect(on(datasetSeq, fitIfExtentRead, { defer: true }));
}

function fitToDataset(map: L.Map, dataset: Dataset, shapes: L.LatLngBounds | null): void {
  const box = extentToBox(dataset.spatialExtent);
  let bounds = L.latLngBounds(box ?? WORLD_BOX);
  if (shapes) bounds = box ? bounds.extend(shapes) : shapes;
  // The bottom margin is wider, so no point lies under the attribution line in the corner.
  map.fitBounds(bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [24, 40], maxZoom: 9 });
}
