import { type Kysely, sql } from 'kysely';
import { LEAD_STATES, type LeadState } from '../campaign/retry-policy.js';
import {
  type LeadCursor,
  type LeadFilter,
  type LeadListReader,
  type LeadListRow,
  leadOrderOf,
} from '../control/lead-reads.js';
import type { AttemptOutcome } from '../machines/attempt-types.js';
import {
  ATTEMPT_SUMMARY_COLUMNS,
  type AttemptSummaryRow,
  attemptSummaryFromRow,
} from './attempt-list.js';
import { leadFromRow } from './leads.js';
import type { Database } from './schema.js';

/** A lead's place in the page's order, read from an index. */
interface LeadKey {
  rowid: number;
  key: string | number;
}

/** `prefix` raised by one in its last character: the end of the range of strings it starts. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

const byKeyThenRowid = (a: LeadKey, b: LeadKey) =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.rowid - b.rowid;

/** Creates the lead reader over a migrated database. */
export function createLeadListReader(db: Kysely<Database>): LeadListReader {
  const withLastAttempt = () =>
    db
      .selectFrom('lead')
      .leftJoin('attempt', 'attempt.id', 'lead.last_attempt_id')
      .selectAll('lead')
      .select(sql<number>`lead.rowid`.as('rowid'))
      .select(ATTEMPT_SUMMARY_COLUMNS.map((column) => `attempt.${column} as a_${column}` as const));
  type Row = Awaited<ReturnType<ReturnType<typeof withLastAttempt>['executeTakeFirstOrThrow']>>;

  function fromRow(row: Row): LeadListRow {
    const attempt = Object.fromEntries(
      ATTEMPT_SUMMARY_COLUMNS.map((column) => [column, row[`a_${column}`]]),
    ) as unknown as AttemptSummaryRow;
    return {
      ...leadFromRow(row),
      lastAttempt: row.a_id === null ? null : attemptSummaryFromRow(attempt),
    };
  }

  /** Keys of the campaign's leads passing the state and outcome filters (`state` given). */
  function keys(campaignId: string, state: LeadState | undefined, outcome?: AttemptOutcome) {
    let query = db.selectFrom('lead').where('campaign_id', '=', campaignId);
    if (state !== undefined) query = query.where('state', '=', state);
    if (outcome !== undefined) query = query.where('last_outcome', '=', outcome);
    return query.select(sql<number>`lead.rowid`.as('rowid'));
  }

  /**
   * Import order. A filter on the outcome alone reads the (state, outcome) index once
   * per state and merges: a handful of short index reads instead of a second index.
   */
  async function importKeys(
    campaignId: string,
    filter: LeadFilter,
    fetch: number,
    after: Extract<LeadCursor, { order: 'import' }> | undefined,
  ): Promise<LeadKey[]> {
    const states =
      filter.state === undefined && filter.outcome !== undefined ? LEAD_STATES : [filter.state];
    const pages = await Promise.all(
      states.map((state) => {
        let query = keys(campaignId, state, filter.outcome).select('import_seq as key');
        if (after !== undefined) {
          query = query.where(
            sql<boolean>`(lead.import_seq, lead.rowid) > (${after.importSeq}, ${after.rowid})`,
          );
        }
        return query.orderBy('import_seq').orderBy(sql`lead.rowid`).limit(fetch).execute();
      }),
    );
    return pages.length === 1 ? (pages[0] ?? []) : pages.flat().sort(byKeyThenRowid);
  }

  /**
   * Phone order: one range of the unique (campaign_id, phone) index per spelling of the
   * number, merged. An OR of the ranges would make SQLite collect and sort every match,
   * which for a short prefix is most of the campaign.
   */
  async function phoneKeys(
    campaignId: string,
    filter: LeadFilter,
    prefixes: readonly string[],
    fetch: number,
    after: Extract<LeadCursor, { order: 'phone' }> | undefined,
  ): Promise<LeadKey[]> {
    const pages = await Promise.all(
      prefixes.map((prefix) => {
        let query = keys(campaignId, filter.state, filter.outcome)
          .select('phone as key')
          .where('phone', '>=', prefix)
          .where('phone', '<', prefixEnd(prefix));
        if (after !== undefined) query = query.where('phone', '>', after.phone);
        return query.orderBy('phone').limit(fetch).execute();
      }),
    );
    const unique = new Map(pages.flat().map((key) => [key.rowid, key]));
    return [...unique.values()].sort(byKeyThenRowid);
  }

  /**
   * Name order, in a range of the (campaign_id, name) index: the column is NOCASE, so
   * bounds made of the prefix in ASCII lower case select every name starting with it in
   * any case, as LIKE would (whose index use SQLite gives up when the prefix needs
   * escaping). After a cursor, the rest of its name's ties is read apart from the names
   * after it: a row value comparison would walk the ties from the first.
   */
  async function nameKeys(
    campaignId: string,
    filter: LeadFilter,
    prefix: string,
    fetch: number,
    after: Extract<LeadCursor, { order: 'name' }> | undefined,
  ): Promise<LeadKey[]> {
    const lower = prefix.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
    const inRange = () =>
      keys(campaignId, filter.state, filter.outcome)
        .select('name as key')
        .where('name', '<', prefixEnd(lower));
    const ordered = <Q extends ReturnType<typeof inRange>>(query: Q) =>
      query.orderBy('name').orderBy(sql`lead.rowid`).limit(fetch).execute();
    if (after === undefined)
      return (await ordered(inRange().where('name', '>=', lower))) as LeadKey[];
    const ties = await ordered(
      inRange().where('name', '=', after.name).where(sql<boolean>`lead.rowid > ${after.rowid}`),
    );
    const rest = await ordered(inRange().where('name', '>', after.name));
    return [...ties, ...rest] as LeadKey[];
  }

  async function rowsOf(rowids: readonly number[]): Promise<Row[]> {
    if (rowids.length === 0) return [];
    const rows = await withLastAttempt()
      .where(sql<boolean>`lead.rowid in (${sql.join(rowids)})`)
      .execute();
    const byRowid = new Map(rows.map((row) => [row.rowid, row]));
    return rowids.flatMap((rowid) => byRowid.get(rowid) ?? []);
  }

  return {
    async get(leadId) {
      const row = await withLastAttempt().where('lead.id', '=', leadId).executeTakeFirst();
      return row && fromRow(row);
    },

    async page(campaignId, filter, { limit, after }) {
      const order = leadOrderOf(filter);
      if (after !== undefined && after.order !== order) {
        throw new Error(`a ${after.order} cursor cannot continue a page in ${order} order`);
      }
      // Keys first, through the index alone; then only the page's rows with their
      // latest attempt. One key more than the page tells whether there is a next page.
      const fetch = limit + 1;
      const search = filter.search;
      const found =
        search === undefined
          ? await importKeys(
              campaignId,
              filter,
              fetch,
              after as Extract<LeadCursor, { order: 'import' }>,
            )
          : search.kind === 'phone'
            ? await phoneKeys(
                campaignId,
                filter,
                search.prefixes,
                fetch,
                after as Extract<LeadCursor, { order: 'phone' }>,
              )
            : await nameKeys(
                campaignId,
                filter,
                search.prefix,
                fetch,
                after as Extract<LeadCursor, { order: 'name' }>,
              );
      const rows = await rowsOf(found.slice(0, limit).map((key) => key.rowid));
      const leads = rows.map(fromRow);
      const last = rows.at(-1);
      if (found.length <= limit || last === undefined) return { leads, next: null };
      const next: LeadCursor =
        order === 'import'
          ? { order, importSeq: last.import_seq, rowid: last.rowid }
          : order === 'phone'
            ? { order, phone: last.phone }
            : { order, name: last.name ?? '', rowid: last.rowid };
      return { leads, next };
    },
  };
}
