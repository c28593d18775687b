import { For, Show } from 'solid-js';

/** Shows keywords as tags, and nothing for an empty list. */
export function KeywordList(props: { keywords: string[]; label?: string }) {
  return (
    <Show when={props.keywords.length > 0}>
      <ul class="tags" aria-label={props.label ?? 'Keywords'}>
        <For each={props.keywords}>{(keyword) => <li class="tag">{keyword}</li>}</For>
      </ul>
    </Show>
  );
}
