import L from 'leaflet';

/** Accessible name of the button that fits the map to the dataset's samples. */
export const FIT_BUTTON_LABEL = 'Fit to samples';

const FIT_BUTTON_TITLE = "Fit the map to the extent of the dataset's located samples";

/** Four corner marks around a dot, drawn in the button's text colour. */
const FIT_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">' +
  '<path d="M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4" fill="none" stroke="currentColor" stroke-width="1.6"/>' +
  '<circle cx="8" cy="8" r="1.8" fill="currentColor"/></svg>';

/**
 * A Leaflet control with one button that calls `onFit`. In the top-left corner it sits below the
 * zoom buttons, and as a `<button>` it is reachable with the Tab key and pressed with Enter or Space.
 */
export class FitControl extends L.Control {
  private readonly onFit: () => void;
  private button: HTMLButtonElement | undefined;
  private enabled = true;

  constructor(onFit: () => void) {
    super({ position: 'topleft' });
    this.onFit = onFit;
  }

  override onAdd(): HTMLElement {
    const container = L.DomUtil.create('div', 'leaflet-bar fit-control');
    const button = L.DomUtil.create('button', 'fit-control__button', container);
    button.type = 'button';
    button.title = FIT_BUTTON_TITLE;
    button.setAttribute('aria-label', FIT_BUTTON_LABEL);
    button.innerHTML = FIT_ICON;
    button.disabled = !this.enabled;
    // Without this, a click or a double click on the button would also reach the map and zoom it.
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.on(button, 'click', () => this.onFit());
    this.button = button;
    return container;
  }

  override onRemove(): void {
    this.button = undefined;
  }

  /** Enables or disables the button, e.g. while the dataset has no located samples to fit to. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (this.button) this.button.disabled = !enabled;
  }
}
