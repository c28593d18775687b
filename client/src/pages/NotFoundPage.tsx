import { A } from '@solidjs/router';
import { usePageTitle } from '../components/page-title.js';

/** Tells the visitor that no page matches the address. */
export function NotFoundPage() {
  usePageTitle(() => 'Page not found');
  return (
    <section class="stack">
      <h1>Page not found</h1>
      <p>There is no page at this address. Check the link, or go to the list of projects.</p>
      <p>
        <A href="/">Go to the projects</A>
      </p>
    </section>
  );
}
