import { For } from 'solid-js';
import { splitLinks } from '../format/links.js';

/** Shows plain text with its http and https addresses as links; everything else stays text. */
export function LinkedText(props: { text: string }) {
  return (
    <For each={splitLinks(props.text)}>
      {(part) =>
        part.url ? (
          <a href={part.url} rel="noopener" target="_blank">
            {part.text}
          </a>
        ) : (
          part.text
        )
      }
    </For>
  );
}
