import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Lead } from '../campaign/lead.js';
import { LEAD_STATES, type LeadState } from '../campaign/retry-policy.js';
import type { AiTarget, AttemptOutcome } from '../machines/attempt-types.js';
import { isUniqueViolation } from './constraint-errors.js';
import { phoneZonesColumn, zonesOfColumn } from './phone-zones.js';
import type { Database, LeadTable } from './schema.js';

/** A lead as it enters a campaign: by import or by hand. */
export interface NewLead {
  id: string;
  campaignId: string;
  /** Already normalised. */
  phone: string;
  name: string | null;
  timezone: string | null;
  callerId: string | null;
  customVars: Record<string, string>;
  /** Where this lead is handed off instead of the campaign's AI target; default none. */
  aiTarget?: AiTarget | null;
  /** Defaults to 0; higher is dialed first among leads due at the same time. */
  priority?: number;
  /** Defaults to `pending`; `dnc` for a lead imported onto the do-not-call list. */
  state?: Extract<LeadState, 'pending' | 'dnc'>;
  importId: string | null;
  importSeq: number;
  /** Epoch ms. */
  createdAt: number;
}

/** What a state change may also set on the lead. */
export interface LeadStatePatch {
  /** Epoch ms; 0 means due at once. */
  nextAttemptAt?: number;
  lastOutcome?: AttemptOutcome | null;
  lastError?: string | null;
  activeAttemptId?: string | null;
  priority?: number;
}

export type InsertLeadsResult =
  | { ok: true; inserted: number }
  /** The phone is already a lead of the campaign (or twice in the batch); nothing was inserted. */
  | { ok: false; reason: 'duplicatePhone'; leadId: string; phone: string };

export interface ListLeadsOptions {
  state?: LeadState;
  limit: number;
  offset: number;
}

/** Maps a `lead` row to the domain `Lead`. */
export function leadFromRow(row: Selectable<LeadTable>): Lead {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    phone: row.phone,
    name: row.name,
    timezone: row.timezone,
    phoneZones: zonesOfColumn(row.phone_zones),
    waitReason: row.wait_reason,
    callerId: row.caller_id,
    customVars: JSON.parse(row.custom_vars),
    aiTarget: row.ai_target === null ? null : (JSON.parse(row.ai_target) as AiTarget),
    state: row.state as LeadState,
    priority: row.priority,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastOutcome: row.last_outcome as AttemptOutcome | null,
    lastError: row.last_error,
    activeAttemptId: row.active_attempt_id,
    importSeq: row.import_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function patchToColumns(patch: LeadStatePatch): Updateable<LeadTable> {
  const columns: Updateable<LeadTable> = {};
  if (patch.nextAttemptAt !== undefined) columns.next_attempt_at = patch.nextAttemptAt;
  if (patch.lastOutcome !== undefined) columns.last_outcome = patch.lastOutcome;
  if (patch.lastError !== undefined) columns.last_error = patch.lastError;
  if (patch.activeAttemptId !== undefined) columns.active_attempt_id = patch.activeAttemptId;
  if (patch.priority !== undefined) columns.priority = patch.priority;
  return columns;
}

/** Leads of campaigns. Every state change is a compare-and-set on the expected state. */
export interface LeadRepository {
  /** Inserts all the leads in one transaction, or none of them. */
  insert(leads: readonly NewLead[]): Promise<InsertLeadsResult>;
  get(id: string): Promise<Lead | undefined>;
  /** A page of a campaign's leads in import order, optionally of one state. */
  listByCampaign(campaignId: string, options: ListLeadsOptions): Promise<Lead[]>;
  /**
   * Moves a lead from `from` to `to` and applies `patch`; returns false, changing
   * nothing, when the lead is not in `from` (or does not exist).
   */
  changeState(
    id: string,
    from: LeadState,
    to: LeadState,
    patch: LeadStatePatch,
    at: number,
  ): Promise<boolean>;
  /** How many leads of the campaign are in each state (every state present, 0 if none). */
  countByState(campaignId: string): Promise<Record<LeadState, number>>;
}

/** Creates the lead repository over a migrated database. */
export function createLeadRepository(db: Kysely<Database>): LeadRepository {
  return {
    async insert(leads) {
      let current: NewLead | undefined;
      try {
        await db.transaction().execute(async (trx) => {
          // One row per statement: the statement is prepared once and reused, and a
          // unique violation names exactly the lead that caused it.
          for (const lead of leads) {
            current = lead;
            await trx
              .insertInto('lead')
              .values({
                id: lead.id,
                campaign_id: lead.campaignId,
                phone: lead.phone,
                phone_zones: phoneZonesColumn(lead.phone),
                name: lead.name,
                timezone: lead.timezone,
                caller_id: lead.callerId,
                custom_vars: JSON.stringify(lead.customVars),
                ai_target: lead.aiTarget ? JSON.stringify(lead.aiTarget) : null,
                state: lead.state ?? 'pending',
                priority: lead.priority ?? 0,
                import_id: lead.importId,
                import_seq: lead.importSeq,
                created_at: lead.createdAt,
                updated_at: lead.createdAt,
              })
              .execute();
          }
        });
      } catch (error) {
        if (current !== undefined && isUniqueViolation(error)) {
          return { ok: false, reason: 'duplicatePhone', leadId: current.id, phone: current.phone };
        }
        throw error;
      }
      return { ok: true, inserted: leads.length };
    },

    async get(id) {
      const row = await db.selectFrom('lead').selectAll().where('id', '=', id).executeTakeFirst();
      return row && leadFromRow(row);
    },

    async listByCampaign(campaignId, { state, limit, offset }) {
      let query = db.selectFrom('lead').selectAll().where('campaign_id', '=', campaignId);
      if (state !== undefined) query = query.where('state', '=', state);
      const rows = await query.orderBy('import_seq').limit(limit).offset(offset).execute();
      return rows.map(leadFromRow);
    },

    async changeState(id, from, to, patch, at) {
      const result = await db
        .updateTable('lead')
        .set({ ...patchToColumns(patch), state: to, updated_at: at })
        .where('id', '=', id)
        .where('state', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async countByState(campaignId) {
      const rows = await db
        .selectFrom('lead')
        .select(['state', (eb) => eb.fn.countAll<number>().as('count')])
        .where('campaign_id', '=', campaignId)
        .groupBy('state')
        .execute();
      const counts = Object.fromEntries(LEAD_STATES.map((state) => [state, 0])) as Record<
        LeadState,
        number
      >;
      for (const row of rows) counts[row.state as LeadState] = row.count;
      return counts;
    },
  };
}
