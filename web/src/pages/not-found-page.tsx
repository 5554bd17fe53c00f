import { Link } from '../components/link.js';

/** A path the UI does not know. */
export function NotFoundPage() {
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabindex="-1">
        Nothing here
      </h1>
      <p>
        This page does not exist. <Link href="/">Go to the campaigns</Link>.
      </p>
    </section>
  );
}
