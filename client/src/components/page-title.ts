import { createEffect } from 'solid-js';

/** Keeps the document title in step with the page, so tabs and history entries can be distinguished. */
export function usePageTitle(title: () => string | undefined): void {
  createEffect(() => {
    const text = title();
    document.title = text ? `${text} · Fairport` : 'Fairport';
  });
}
