import { useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { createStore, unwrap } from 'solid-js/store';
import { request } from '../api/api.js';
import { ApiFailure, describeFailure } from '../api/api-failure.js';
import { loadServerMeta } from '../api/server-meta.js';
import { AmdFields } from '../components/amd-fields.js';
import { BlackoutFields } from '../components/blackout-fields.js';
import { CallFlowFields } from '../components/call-flow-fields.js';
import { ComplianceFields } from '../components/compliance-fields.js';
import { fieldId } from '../components/field.js';
import { Link } from '../components/link.js';
import { RetryFields } from '../components/retry-fields.js';
import { ScheduleFields } from '../components/schedule-fields.js';
import { notify } from '../state/notices.js';
import {
  type CampaignForm,
  type FormSettings,
  formFromSettings,
  formKeys,
  toSettings,
} from '../view/campaign-form.js';
import { placeIssues } from '../view/field-issues.js';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * Creates a campaign (no `id`) or edits one. Problems come back from the API as
 * `details.issues` and are shown next to their fields, with a summary on top.
 */
export function CampaignEditorPage(props: { id?: string }) {
  const [loaded] = createResource(
    () => props.id ?? '',
    async (id) =>
      id === ''
        ? formFromSettings({
            ...(await loadServerMeta()).campaignDefaults,
            name: '',
            timezone: browserZone(),
          })
        : formFromSettings(await request('$get', '/campaigns/:id', { param: { id } })),
  );
  const [recordings] = createResource(async () => {
    try {
      return (await request('$get', '/recordings', {})).recordings;
    } catch {
      return [];
    }
  });

  return (
    <section aria-labelledby="page-title">
      <p class="breadcrumbs">
        <Link href="/">Campaigns</Link> ›{' '}
        <Show when={props.id}>
          {(id) => <Link href={`/campaigns/${encodeURIComponent(id())}`}>Campaign</Link>}
        </Show>
      </p>
      <h1 id="page-title" tabindex="-1">
        {props.id === undefined ? 'New campaign' : 'Campaign settings'}
      </h1>
      <Show when={loaded.error}>
        <p class="error-box" role="alert">
          Could not load {props.id === undefined ? 'the defaults' : 'the campaign'}:{' '}
          {describeFailure(loaded.error)}
        </p>
      </Show>
      <Show when={loaded()} keyed>
        {(initial) => (
          <EditorForm initial={initial} id={props.id} recordings={recordings() ?? []} />
        )}
      </Show>
    </section>
  );
}

function EditorForm(props: {
  initial: CampaignForm;
  id: string | undefined;
  recordings: readonly { id: string; name: string }[];
}) {
  const navigate = useNavigate();
  const [form, set] = createStore<CampaignForm>(structuredClone(props.initial));
  const [issues, setIssues] = createSignal<{ path: string; message: string }[]>([]);
  const [saving, setSaving] = createSignal(false);
  const placed = () => placeIssues(issues(), formKeys(form.blackoutDates.length));
  const errors = (key: string) => placed().byField[key];
  let summary: HTMLDivElement | undefined;

  const showIssues = (list: { path: string; message: string }[]) => {
    setIssues(list);
    queueMicrotask(() => summary?.focus());
  };

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const built = toSettings(unwrap(form));
    if (!built.ok) return showIssues(built.issues);
    const body: FormSettings = built.settings;
    setSaving(true);
    try {
      const saved =
        props.id === undefined
          ? await request('$post', '/campaigns', { json: body })
          : await request('$patch', '/campaigns/:id', { param: { id: props.id }, json: body });
      setIssues([]);
      notify(props.id === undefined ? `Created ${saved.name}` : `Saved ${saved.name}`);
      navigate(`/campaigns/${encodeURIComponent(saved.id)}`);
    } catch (error) {
      if (error instanceof ApiFailure && error.issues.length > 0) showIssues(error.issues);
      else showIssues([{ path: '', message: describeFailure(error) }]);
    } finally {
      setSaving(false);
    }
  }

  const sectionProps = { form, set, errors };
  return (
    <form class="editor" onSubmit={(e) => void save(e)} novalidate>
      <section
        ref={summary}
        tabindex="-1"
        class={issues().length > 0 ? 'error-box' : 'visually-hidden'}
        aria-labelledby="issue-summary-title"
      >
        <Show when={issues().length > 0}>
          <h2 id="issue-summary-title">
            {issues().length === 1 ? 'One thing to fix' : `${issues().length} things to fix`}
          </h2>
          <ul>
            <For each={issues()}>
              {(issue) => {
                const key = issue.path.replace(/^body\.?/, '');
                return (
                  <li>
                    <Show when={key !== ''} fallback={issue.message}>
                      <a href={`#${fieldId(key)}`}>{key}</a>: {issue.message}
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
        </Show>
      </section>
      <ScheduleFields {...sectionProps} />
      <BlackoutFields {...sectionProps} />
      <CallFlowFields {...sectionProps} recordings={props.recordings} />
      <ComplianceFields {...sectionProps} recordings={props.recordings} />
      <RetryFields {...sectionProps} />
      <AmdFields {...sectionProps} />
      <div class="form-buttons">
        <button type="submit" class="primary" disabled={saving()}>
          {props.id === undefined ? 'Create campaign' : 'Save settings'}
        </button>
        <Link
          href={props.id === undefined ? '/' : `/campaigns/${encodeURIComponent(props.id)}`}
          class="button"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}
