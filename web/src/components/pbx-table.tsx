import { For, Show } from 'solid-js';
import { systemHealth } from '../state/system-health.js';

/**
 * The PBXs of a dialstate with several (from `/health`): each one's connection, why it
 * is held if it is, and its live calls against its cap. Nothing with a single PBX.
 */
export function PbxTable() {
  return (
    <Show when={systemHealth()?.pbxs}>
      {(pbxs) => (
        <table class="pbx-table" data-pbx-table>
          <caption>PBXs</caption>
          <thead>
            <tr>
              <th scope="col">PBX</th>
              <th scope="col">State</th>
              <th scope="col">Live calls</th>
              <th scope="col">ARI</th>
            </tr>
          </thead>
          <tbody>
            <For each={pbxs()}>
              {(pbx) => (
                <tr data-pbx={pbx.name} class={pbx.ok ? 'check-ok' : 'check-fail'}>
                  <th scope="row">{pbx.name}</th>
                  <td>
                    {pbx.state}
                    <Show when={pbx.hold}>{(hold) => <div class="help">held: {hold()}</div>}</Show>
                  </td>
                  <td>
                    {pbx.live} / {pbx.maxChannels}
                  </td>
                  <td>
                    <code>{pbx.url}</code>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      )}
    </Show>
  );
}
