import { Show, type JSX } from 'solid-js';

/** Labels a form control and shows its optional hint and the server's message about its value. */
export function FormField(props: { label: string; hint?: string; error?: string | undefined; children: JSX.Element }) {
  return (
    <label class="form__field">
      <span>{props.label}</span>
      {props.children}
      <Show when={props.hint}>
        <span class="form__hint">{props.hint}</span>
      </Show>
      <Show when={props.error}>
        <span class="form__error">{props.error}</span>
      </Show>
    </label>
  );
}
