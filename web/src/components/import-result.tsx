import { For, Show } from 'solid-js';
import type { ImportReport, ImportStatus } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { downloadFile } from '../api/download.js';
import { notify } from '../state/notices.js';
import { formatCount } from '../view/format.js';

type Issue = ImportReport['issues'][number];

/** An ended import: its counts, its warnings and errors, and the error CSV. */
export function ImportResult(props: { result: ImportReport | ImportStatus }) {
  const counts = () => props.result.counts;
  const errors = () => props.result.issues.filter((i) => i.severity === 'error');
  const warnings = () => props.result.issues.filter((i) => i.severity === 'warning');
  const errorCount = () =>
    'errorCount' in props.result ? props.result.errorCount : counts().rejected;
  const downloadErrors = (url: string) =>
    void downloadFile(url, 'import-errors.csv').catch((e) =>
      notify(`Could not download the errors: ${describeFailure(e)}`, 'error'),
    );

  return (
    <div class="import-result" role="status">
      <h3>{props.result.status === 'completed' ? 'Import finished' : 'Import failed'}</h3>
      <Show when={props.result.error}>{(message) => <p class="error-box">{message()}</p>}</Show>
      <dl class="lead-states">
        <For
          each={
            [
              ['rows', counts().totalRows],
              ['new leads', counts().accepted],
              ['updated', counts().updated],
              ['duplicates', counts().duplicates],
              ['rejected', counts().rejected],
              ['do-not-call', counts().dncBlocked],
            ] as const
          }
        >
          {([label, n]) => (
            <div>
              <dt>{label}</dt>
              <dd data-import-count={label}>{formatCount(n)}</dd>
            </div>
          )}
        </For>
      </dl>
      <IssueTable title="Errors (rows not imported)" issues={errors()} total={errorCount()} />
      <IssueTable title="Warnings (imported with a fallback)" issues={warnings()} total={null} />
      <Show when={props.result.errorsCsvUrl}>
        {(url) => (
          <button type="button" onClick={() => downloadErrors(url())}>
            Download the rejected rows (CSV)
          </button>
        )}
      </Show>
    </div>
  );
}

function IssueTable(props: { title: string; issues: Issue[]; total: number | null }) {
  return (
    <Show when={props.issues.length > 0}>
      <table class="issues">
        <caption>
          {props.title}
          <Show when={props.total !== null && (props.total ?? 0) > props.issues.length}>
            {' '}
            — the first {props.issues.length} of {formatCount(props.total ?? 0)}
          </Show>
        </caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">Column</th>
            <th scope="col">Value</th>
            <th scope="col">Problem</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.issues}>
            {(issue) => (
              <tr>
                <td class="num">{issue.rowNumber === 0 ? 'file' : issue.rowNumber}</td>
                <td>{issue.field ?? ''}</td>
                <td class="mono">{issue.value ?? ''}</td>
                <td>{issue.reason}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}
