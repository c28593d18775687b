import type { ProgressValues } from '../format/import-progress.js';

/**
 * Draws a progress bar with its ARIA values. A `now` of null draws an indeterminate bar and
 * leaves `aria-valuenow` out, as WAI-ARIA 1.2 recommends for a progressbar whose value is unknown.
 */
export function ProgressBar(props: { label: string; values: ProgressValues; tone?: 'default' | 'success' | 'danger' }) {
  const percent = () => {
    const { now, max } = props.values;
    return now === null || max <= 0 ? 0 : Math.min(100, (now / max) * 100);
  };
  return (
    <div
      class="progress"
      classList={{ 'is-indeterminate': props.values.now === null }}
      data-tone={props.tone ?? 'default'}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={props.values.min}
      aria-valuemax={props.values.max}
      aria-valuenow={props.values.now ?? undefined}
      aria-valuetext={props.values.text}
    >
      <div class="progress__bar" style={{ width: props.values.now === null ? undefined : `${percent()}%` }} />
    </div>
  );
}
