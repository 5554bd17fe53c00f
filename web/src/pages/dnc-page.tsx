import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { type DncPage as DncPageBody, request } from '../api/api.js';
import { describeFailure } from '../api/api-failure.js';
import { uploadForm } from '../api/upload.js';
import { ErrorBox } from '../components/error-box.js';
import { SearchInput } from '../components/search-input.js';
import { confirmAction } from '../state/confirm.js';
import { dncList } from '../state/dnc-lists.js';
import { notify } from '../state/notices.js';
import { formatCount, formatDateTime } from '../view/format.js';

type Entry = DncPageBody['entries'][number];

/**
 * The do-not-call lists, one at a time: the global list or a campaign's (chosen above the
 * list). Search, add, remove, import a CSV of numbers.
 */
export function DncPage() {
  const [campaigns] = createResource(
    async () => (await request('$get', '/campaigns', {})).campaigns,
  );
  /** The campaign whose list is shown; null for the global list. */
  const [campaignId, setCampaignId] = createSignal<string | null>(null);
  const list = createMemo(() => dncList(campaignId()));
  const listName = () =>
    campaignId() === null
      ? 'the global list'
      : `the list of ${campaigns.latest?.find((c) => c.id === campaignId())?.name ?? 'the campaign'}`;
  const [entries, setEntries] = createSignal<Entry[]>([]);
  const [total, setTotal] = createSignal<number | null>(null);
  const [nextAfter, setNextAfter] = createSignal<string | null>(null);
  const [search, setSearch] = createSignal('');
  const [phone, setPhone] = createSignal('');
  const [reason, setReason] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  let fileInput: HTMLInputElement | undefined;

  async function load(more = false) {
    try {
      const page = await list().page({
        limit: 100,
        ...(search() === '' ? {} : { search: search() }),
        ...(more && nextAfter() !== null ? { after: nextAfter() ?? '' } : {}),
      });
      setEntries(more ? [...entries(), ...page.entries] : page.entries);
      setTotal(page.total);
      setNextAfter(page.nextAfter);
      setError(null);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }
  void load();

  async function add(event: SubmitEvent) {
    event.preventDefault();
    try {
      const result = await list().add(phone(), reason() === '' ? undefined : reason());
      notify(
        result.changed
          ? `${result.phone} is on ${listName()}`
          : `${result.phone} was already on ${listName()}`,
      );
      setPhone('');
      setReason('');
      setError(null);
      await load();
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }

  async function remove(entry: Entry) {
    const { confirmed } = await confirmAction({
      title: `Take ${entry.phone} off ${listName()}?`,
      message:
        campaignId() === null
          ? 'Campaigns may call this number again, unless their own list has it.'
          : 'This campaign may call this number again, unless the global list has it.',
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await list().remove(entry.phone);
      notify(`${entry.phone} is off ${listName()}`);
      await load();
    } catch (failure) {
      notify(`Could not remove ${entry.phone}: ${describeFailure(failure)}`, 'error');
    }
  }

  async function importCsv() {
    const file = fileInput?.files?.[0];
    if (file === undefined) return setError('Choose a CSV file first.');
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const { body } = await uploadForm(list().importUrl, form, () => {});
      const report = body as { counts: { added: number; alreadyListed: number; rejected: number } };
      notify(
        `Imported: ${report.counts.added} added, ${report.counts.alreadyListed} already listed, ${report.counts.rejected} rejected`,
      );
      if (fileInput) fileInput.value = '';
      await load();
    } catch (failure) {
      setError(describeFailure(failure));
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabindex="-1">
        Do-not-call lists
      </h1>
      <p class="help">
        Numbers on the global list are never dialed by any campaign; numbers on a campaign's list
        are never dialed by that campaign. Both are checked at import and again just before each
        call.
      </p>
      <div class="field dnc-scope">
        <label for="dnc-list">List</label>
        <select
          id="dnc-list"
          onChange={(e) => {
            setCampaignId(e.currentTarget.value === '' ? null : e.currentTarget.value);
            void load();
          }}
        >
          <option value="">Global (every campaign)</option>
          <For each={campaigns.latest ?? []}>
            {(campaign) => <option value={campaign.id}>Campaign: {campaign.name}</option>}
          </For>
        </select>
      </div>
      <form class="upload-form" onSubmit={(e) => void add(e)}>
        <div class="field">
          <label for="dnc-phone">Number</label>
          <input
            id="dnc-phone"
            type="text"
            value={phone()}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="dnc-reason">Reason (optional)</label>
          <input
            id="dnc-reason"
            type="text"
            value={reason()}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary">
          Add
        </button>
        <div class="field">
          <label for="dnc-file">Or import a CSV of numbers</label>
          <input
            id="dnc-file"
            ref={fileInput}
            type="file"
            accept=".csv,text/csv"
            onChange={() => void importCsv()}
          />
        </div>
      </form>
      <ErrorBox message={error()} />
      <div class="toolbar">
        <SearchInput
          label="Search numbers"
          placeholder="Search digits"
          onSearch={(text) => {
            setSearch(text);
            void load();
          }}
        />
        <span class="muted" aria-live="polite">
          {total() === null ? '' : `${formatCount(total() ?? 0)} numbers on ${listName()}`}
        </span>
      </div>
      <Show
        when={entries().length > 0}
        fallback={
          <Show when={total() !== null}>
            <p class="empty">
              No numbers on {listName()}
              {search() ? ' match' : ' yet'}.
            </p>
          </Show>
        }
      >
        <table class="plain">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Reason</th>
              <th scope="col">Added</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            <For each={entries()}>
              {(entry) => (
                <tr data-dnc-phone={entry.phone}>
                  <td class="mono">{entry.phone}</td>
                  <td>{entry.reason ?? ''}</td>
                  <td>{formatDateTime(entry.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      class="small danger-outline"
                      onClick={() => void remove(entry)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={nextAfter() !== null}>
          <button type="button" onClick={() => void load(true)}>
            Show more
          </button>
        </Show>
      </Show>
    </section>
  );
}
