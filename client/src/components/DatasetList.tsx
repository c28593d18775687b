import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import { formatCount, plural } from '../format/numbers.js';

const VISIBILITY_LABELS: Record<Dataset['visibility'], string> = {
  private: 'Private',
  internal: 'Internal',
  public: 'Public',
};

/** Describes how many of a dataset's samples have a location: "12 located". */
function locatedText(dataset: Dataset): string {
  if (dataset.locatedCount === 0) return 'none located';
  return `${formatCount(dataset.locatedCount)} located`;
}

/** Lists datasets with their license, visibility and sample counts. */
export function DatasetList(props: { datasets: Dataset[]; emptyText: string }) {
  return (
    <Show when={props.datasets.length > 0} fallback={<p class="muted">{props.emptyText}</p>}>
      <ul class="dataset-list">
        <For each={props.datasets}>
          {(dataset) => (
            <li class="dataset-list__item">
              <A href={`/datasets/${dataset.id}`} class="dataset-list__title">
                {dataset.title}
              </A>
              <span class="dataset-list__meta">
                <span class="badge" data-visibility={dataset.visibility}>
                  {VISIBILITY_LABELS[dataset.visibility]}
                </span>
                <span>{dataset.license ?? 'No license'}</span>
                <span>{dataset.sampleCount === 0 ? 'No samples yet' : plural(dataset.sampleCount, 'sample')}</span>
                <Show when={dataset.sampleCount > 0}>
                  <span>{locatedText(dataset)}</span>
                </Show>
              </span>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
