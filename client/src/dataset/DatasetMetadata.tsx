import { Show } from 'solid-js';
import type { Dataset } from '../../../common/api/datasets.js';
import { KeywordList } from '../components/KeywordList.js';
import { LinkedText } from '../components/LinkedText.js';
import { formatDate, formatTemporalCoverage } from '../format/dates.js';
import { doiUrl, safeHttpUrl, spdxLicenseUrl } from '../format/links.js';
import { formatCount, plural } from '../format/numbers.js';

/** Shows the dataset's descriptive metadata: abstract, license and rights, source, keywords, coverage and version. */
export function DatasetMetadata(props: { dataset: Dataset }) {
  const coverage = () => formatTemporalCoverage(props.dataset.temporalStart, props.dataset.temporalEnd);
  const collected = () => formatTemporalCoverage(props.dataset.collectedFrom, props.dataset.collectedTo);
  const sourceUrl = () => safeHttpUrl(props.dataset.sourceUrl);
  const licenseUrl = () => spdxLicenseUrl(props.dataset.license);

  return (
    <section class="card stack" aria-labelledby="dataset-about">
      <h2 id="dataset-about">About this dataset</h2>
      <Show when={props.dataset.abstract} fallback={<p class="muted">No abstract yet.</p>}>
        <p class="prose">{props.dataset.abstract}</p>
      </Show>
      <dl class="facts">
        <dt>License</dt>
        <dd>
          <Show when={props.dataset.license} fallback={<span class="muted">None given; ask the project before reusing the data.</span>}>
            <Show when={licenseUrl()} fallback={props.dataset.license}>
              {(url) => (
                <a href={url()} rel="license noopener" target="_blank">
                  {props.dataset.license}
                </a>
              )}
            </Show>
          </Show>
        </dd>
        <Show when={props.dataset.rights}>
          <dt>Rights</dt>
          <dd class="prose">
            <LinkedText text={props.dataset.rights} />
          </dd>
        </Show>
        <Show when={props.dataset.sourceName || sourceUrl()}>
          <dt>Source</dt>
          <dd>
            <Show when={sourceUrl()} fallback={props.dataset.sourceName}>
              {(url) => (
                <a href={url()} rel="noopener" target="_blank">
                  {props.dataset.sourceName || url()}
                </a>
              )}
            </Show>
          </dd>
        </Show>
        <dt>Temporal coverage</dt>
        <dd>
          <Show when={coverage()} fallback={<Show when={collected()} fallback={<span class="muted">Not given</span>}>{(range) => <>{range()} <span class="muted">(from the samples' collection times)</span></>}</Show>}>
            {coverage()}
          </Show>
        </dd>
        <dt>Samples</dt>
        <dd>
          {plural(props.dataset.sampleCount, 'sample')}, {props.dataset.locatedCount === 0 ? 'none' : formatCount(props.dataset.locatedCount)} located
        </dd>
        <dt>Version</dt>
        <dd>{props.dataset.version}</dd>
        <Show when={props.dataset.doi}>
          {(doi) => (
            <>
              <dt>DOI</dt>
              <dd>
                <a href={doiUrl(doi())} rel="noopener" target="_blank">
                  {doi()}
                </a>
              </dd>
            </>
          )}
        </Show>
        <dt>Last changed</dt>
        <dd>{formatDate(props.dataset.updatedAt)}</dd>
      </dl>
      <KeywordList keywords={props.dataset.keywords} />
    </section>
  );
}
