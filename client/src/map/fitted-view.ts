import type L from 'leaflet';

/** Pixels the view's centre may drift (a resize, rounding) and still count as unmoved. */
const DRIFT_PIXELS = 2;

/**
 * Remembers the view a fit produced, to tell whether the user has panned or zoomed the map since.
 * The view is recorded when the fit's move ends, because Leaflet may animate it.
 */
export class FittedView {
  private fitted: { center: L.LatLng; zoom: number } | null = null;
  private awaitingMoveEnd = false;

  constructor(private readonly map: L.Map) {
    map.on('moveend', this.recordFit, this);
  }

  /**
   * Runs a fit and records the view it produces. Leaflet drops a view asked for during a zoom
   * animation, so a fit requested while another one moves the map runs when that move ends.
   */
  fit(run: () => void): void {
    if (this.awaitingMoveEnd) {
      this.map.once('moveend', () => this.fit(run));
      return;
    }
    this.awaitingMoveEnd = true;
    run();
  }

  /** Tells whether a fit's move has yet to end, so the view it makes is not known yet. */
  isFitting(): boolean {
    return this.awaitingMoveEnd;
  }

  /** Tells whether the view differs from the last fit's, or no fit was made yet. */
  movedSinceFit(): boolean {
    if (!this.fitted) return true;
    if (this.map.getZoom() !== this.fitted.zoom) return true;
    const fittedCentre = this.map.latLngToContainerPoint(this.fitted.center);
    const centre = this.map.getSize().divideBy(2);
    return fittedCentre.distanceTo(centre) > DRIFT_PIXELS;
  }

  dispose(): void {
    this.map.off('moveend', this.recordFit, this);
  }

  private recordFit(): void {
    if (!this.awaitingMoveEnd) return;
    this.awaitingMoveEnd = false;
    this.fitted = { center: this.map.getCenter(), zoom: this.map.getZoom() };
  }
}
