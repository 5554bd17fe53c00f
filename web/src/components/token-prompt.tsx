import { createSignal, Show } from 'solid-js';
import { loadApiToken, saveApiToken } from '../api/api-token.js';

/**
 * Asks for the API token when the server wants one (DIALSTATE_API_TOKEN) and keeps it in
 * this browser; the page then reloads so that every request and the live feed use it.
 */
export function TokenPrompt() {
  const [token, setToken] = createSignal('');
  const hadOne = loadApiToken() !== null;
  return (
    <section class="token-prompt error-box" aria-labelledby="token-title">
      <h2 id="token-title">This server needs an API token</h2>
      <Show when={hadOne}>
        <p>The token saved in this browser was refused.</p>
      </Show>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          saveApiToken(token().trim() === '' ? null : token().trim());
          location.reload();
        }}
      >
        <label for="api-token">Token (DIALSTATE_API_TOKEN on the server)</label>{' '}
        <input
          id="api-token"
          type="password"
          autocomplete="current-password"
          value={token()}
          onInput={(e) => setToken(e.currentTarget.value)}
        />{' '}
        <button type="submit" class="primary">
          Use this token
        </button>
      </form>
    </section>
  );
}
