import { createResource, createSignal, For, Show } from 'solid-js';
import { request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { PbxTable } from '../components/pbx-table.js';
import { loadSystemHealth } from '../state/system-health.js';

/** The setup guide: the dialplan to install (with a copy button), the steps, and the doctor's checks. */
export function SetupPage() {
  const [dialplan] = createResource(() => request('$get', '/setup/dialplan', {}));
  const [checks, { refetch }] = createResource(() => request('$get', '/setup/checks', {}));
  const [copied, setCopied] = createSignal<string | null>(null);
  let code: HTMLElement | undefined;

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied to the clipboard.');
    } catch {
      // No clipboard permission (plain http on another host): select it for Ctrl+C.
      const range = document.createRange();
      if (code) range.selectNodeContents(code);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabindex="-1">
        Setup guide
      </h1>
      <h2>1. Install the dialplan</h2>
      <Show when={dialplan.error}>
        <p class="error-box">{describeFailure(dialplan.error)}</p>
      </Show>
      <Show when={dialplan.latest}>
        {(d) => (
          <>
            <p>
              Save this as <code>/etc/asterisk/{d().fileName}</code>. It is rendered with this
              server's names: app <code>{d().names.app}</code>, AMD context{' '}
              <code>{d().names.amdContext}</code>, dial context <code>{d().names.dialContext}</code>
              .
            </p>
            <div class="code-head">
              <button type="button" class="primary" onClick={() => void copy(d().text)}>
                Copy the dialplan
              </button>
              <span role="status" data-copy-status>
                {copied() ?? ''}
              </span>
            </div>
            <pre class="code" tabindex="0">
              <code ref={code}>{d().text}</code>
            </pre>
          </>
        )}
      </Show>
      <ol class="steps">
        <li>
          Plain Asterisk: add <code>#include extensions_dialstate.conf</code> to{' '}
          <code>extensions.conf</code>. FreePBX: add it to <code>extensions_custom.conf</code>. Then{' '}
          <code>asterisk -rx 'dialplan reload'</code>.
        </li>
        <li>
          Load AMD: <code>asterisk -rx 'module load app_amd.so'</code> (and remove any{' '}
          <code>noload =&gt; app_amd.so</code> from <code>modules.conf</code>).
        </li>
        <li>
          Enable ARI: <code>enabled = yes</code> in <code>http.conf</code> and <code>ari.conf</code>
          , with a user for dialstate; then set <code>DIALSTATE_ARI_URL</code>,{' '}
          <code>DIALSTATE_ARI_USER</code> and <code>DIALSTATE_ARI_PASSWORD</code>.
        </li>
        <li>
          Media: dialstate and Asterisk must see the recordings folder at the same path (
          <code>AAVA_MEDIA_DIR</code>
          <Show when={dialplan.latest}>{(d) => <>, now {d().names.mediaDir}</>}</Show>).
        </li>
      </ol>
      <h2>2. Check it</h2>
      <p>
        The same checks as <code>dialstate doctor</code>, run now against the PBX this server uses.{' '}
        <button
          type="button"
          onClick={() => {
            void refetch();
            void loadSystemHealth();
          }}
          disabled={checks.loading}
        >
          {checks.loading ? 'Checking…' : 'Run the checks again'}
        </button>
      </p>
      <PbxTable />
      <Show when={checks.error}>
        <p class="error-box">{describeFailure(checks.error)}</p>
      </Show>
      <Show when={checks.latest}>
        {(c) => (
          <>
            <Show when={c().simulated}>
              <p class="note">These ran against the embedded simulator, not a real Asterisk.</p>
            </Show>
            <ul class="checks" aria-busy={checks.loading}>
              <For each={c().checks}>
                {(check) => (
                  <li
                    class={
                      check.ok === true
                        ? 'check-ok'
                        : check.ok === 'warn'
                          ? 'check-warn'
                          : 'check-fail'
                    }
                    data-check-id={check.id}
                  >
                    <strong>
                      {check.ok === true ? 'OK' : check.ok === 'warn' ? 'Warning' : 'Failed'}:{' '}
                      {check.title}
                    </strong>
                    <div>{check.detail}</div>
                    <Show when={check.fix}>{(fix) => <div class="help">Fix: {fix()}</div>}</Show>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  );
}
