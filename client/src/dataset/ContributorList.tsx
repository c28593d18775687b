import { For, Show } from 'solid-js';
import type { Contributor } from '../../../common/api/contributors.js';

/** The people and organizations credited on a dataset, in credit order, as plain text and ORCID or ROR links. */
export function ContributorList(props: { contributors: Contributor[] }) {
  return (
    <section class="card stack-small" aria-labelledby="contributors-heading">
      <h2 id="contributors-heading">Contributors</h2>
      <ol class="contributors">
        <For each={props.contributors}>
          {(contributor) => (
            <li>
              <span class="contributor__name">{contributor.name}</span>
              <span class="muted"> · {contributor.roles.join(', ')}</span>
              <Show when={contributor.affiliation}>{(affiliation) => <span class="muted"> · {affiliation()}</span>}</Show>
              <Show when={contributor.orcid}>
                {(orcid) => (
                  <>
                    {' '}
                    <a href={`https://orcid.org/${orcid()}`} rel="noopener" target="_blank">
                      {orcid()}
                    </a>
                  </>
                )}
              </Show>
              <Show when={contributor.claimed}>
                <span class="badge"> Claimed</span>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
