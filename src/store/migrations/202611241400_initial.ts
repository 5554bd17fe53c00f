import { type Kysely, sql } from 'kysely';

// Migrations are frozen history: they take `Kysely<any>` on purpose, so a later change
// to schema.ts can never change what an old migration does.

/** Creates the first schema: campaigns, leads, attempts with their journal and timers, media, DNC, imports. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recording')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_uri', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('campaign')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('window_days', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'integer')
    .addColumn('ends_at', 'integer')
    .addColumn('max_concurrent', 'integer', (c) => c.notNull())
    .addColumn('min_interval_ms', 'integer', (c) => c.notNull())
    .addColumn('ring_timeout_sec', 'integer', (c) => c.notNull())
    .addColumn('caller_id', 'text')
    .addColumn('default_region', 'text', (c) => c.notNull())
    .addColumn('allow_extensions', 'integer', (c) => c.notNull())
    .addColumn('ai_target', 'text', (c) => c.notNull())
    .addColumn('ai_context', 'text')
    .addColumn('ai_provider', 'text')
    .addColumn('ai_agent', 'text')
    .addColumn('consent_enabled', 'integer', (c) => c.notNull())
    .addColumn('consent_recording_id', 'text', (c) => c.references('recording.id'))
    .addColumn('consent_timeout_sec', 'integer', (c) => c.notNull())
    .addColumn('voicemail_enabled', 'integer', (c) => c.notNull())
    .addColumn('voicemail_recording_id', 'text', (c) => c.references('recording.id'))
    .addColumn('voicemail_greeting_max_wait_sec', 'integer', (c) => c.notNull())
    .addColumn('amd', 'text', (c) => c.notNull())
    .addColumn('retry', 'text', (c) => c.notNull())
    .addColumn('last_originate_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addCheckConstraint(
      'campaign_status_check',
      sql`status in ('draft', 'running', 'paused', 'stopped', 'completed', 'archived')`,
    )
    .execute();

  await db.schema
    .createTable('lead_import')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) =>
      c.notNull().references('campaign.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('accepted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dnc_blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer')
    .addCheckConstraint('lead_import_mode_check', sql`mode in ('skip_existing', 'update_existing')`)
    .addCheckConstraint(
      'lead_import_status_check',
      sql`status in ('running', 'completed', 'failed')`,
    )
    .execute();
  await db.schema
    .createIndex('lead_import_campaign')
    .on('lead_import')
    .columns(['campaign_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('lead_import_issue')
    .addColumn('import_id', 'text', (c) =>
      c.notNull().references('lead_import.id').onDelete('cascade'),
    )
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('value', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'text')
    .addCheckConstraint('lead_import_issue_severity_check', sql`severity in ('error', 'warning')`)
    .execute();
  await db.schema
    .createIndex('lead_import_issue_import')
    .on('lead_import_issue')
    .columns(['import_id', 'row_number'])
    .execute();

  await db.schema
    .createTable('lead')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) =>
      c.notNull().references('campaign.id').onDelete('cascade'),
    )
    .addColumn('phone', 'text', (c) => c.notNull())
    // NOCASE lets a name search with a prefix LIKE use the index below.
    .addColumn('name', sql`text collate nocase`)
    .addColumn('timezone', 'text')
    .addColumn('caller_id', 'text')
    .addColumn('custom_vars', 'text', (c) => c.notNull().defaultTo('{}'))
    // JSON AiTarget overriding the campaign's for this lead; NULL uses the campaign's.
    .addColumn('ai_target', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_outcome', 'text')
    .addColumn('last_error', 'text')
    // No foreign keys to attempt: lead and attempt point at each other, and the
    // attempt journal keeps both sides consistent in one transaction.
    .addColumn('active_attempt_id', 'text')
    .addColumn('last_attempt_id', 'text')
    .addColumn('import_id', 'text', (c) => c.references('lead_import.id').onDelete('set null'))
    .addColumn('import_seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('lead_campaign_phone_unique', ['campaign_id', 'phone'])
    .addCheckConstraint(
      'lead_state_check',
      sql`state in ('pending', 'dialing', 'completed', 'failed', 'canceled', 'dnc')`,
    )
    .execute();
  // The scheduler's claim: the next due pending lead of a campaign, by due time, then
  // priority, then import order. Partial, so finished leads cost nothing here.
  await db.schema
    .createIndex('lead_claim')
    .on('lead')
    .columns(['campaign_id', 'next_attempt_at', 'priority desc', 'import_seq'])
    .where(sql.ref('state'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('lead_campaign_state')
    .on('lead')
    .columns(['campaign_id', 'state', 'import_seq'])
    .execute();
  await db.schema
    .createIndex('lead_campaign_import_seq')
    .on('lead')
    .columns(['campaign_id', 'import_seq'])
    .execute();
  await db.schema
    .createIndex('lead_campaign_name')
    .on('lead')
    .columns(['campaign_id', 'name'])
    .execute();
  // Deleting an import nulls `import_id` on its leads; without an index that is a scan.
  await db.schema
    .createIndex('lead_import_id')
    .on('lead')
    .column('import_id')
    .where(sql.ref('import_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('campaign_id', 'text', (c) =>
      c.notNull().references('campaign.id').onDelete('cascade'),
    )
    .addColumn('lead_id', 'text', (c) => c.notNull().references('lead.id').onDelete('cascade'))
    .addColumn('attempt_number', 'integer', (c) => c.notNull())
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull().unique())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcome', 'text')
    .addColumn('error', 'text')
    .addColumn('started_at', 'integer')
    .addColumn('answered_at', 'integer')
    .addColumn('handed_off_at', 'integer')
    .addColumn('ended_at', 'integer')
    .addColumn('dial_status', 'text')
    .addColumn('hangup_cause', 'integer')
    .addColumn('far_end_cause', 'integer')
    .addColumn('amd_status', 'text')
    .addColumn('amd_cause', 'text')
    .addColumn('digits', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('attempt_lead')
    .on('attempt')
    .columns(['lead_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('attempt_campaign')
    .on('attempt')
    .columns(['campaign_id', 'created_at'])
    .execute();
  // Restart reconciliation reads every open attempt; there are few at any time.
  await db.schema
    .createIndex('attempt_open')
    .on('attempt')
    .column('created_at')
    .where(sql.ref('done'), '=', 0)
    .execute();

  // The input is written once and read on restore and replay only. Kept out of the
  // attempt row, which is rewritten on every event, it makes that row a third as big:
  // fewer pages written per event (docs/BENCHMARKS.md).
  await db.schema
    .createTable('attempt_input')
    .addColumn('attempt_id', 'text', (c) =>
      c.primaryKey().references('attempt.id').onDelete('cascade'),
    )
    .addColumn('input', 'text', (c) => c.notNull())
    .execute();

  // A rowid table: events of all live attempts are appended side by side to the same
  // few pages, where a table clustered on (attempt_id, seq) would write one page per
  // attempt in each commit. The unique index keeps the seqs gap-free and the reads fast.
  await db.schema
    .createTable('attempt_event')
    .addColumn('attempt_id', 'text', (c) =>
      c.notNull().references('attempt.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('commands', 'text', (c) => c.notNull())
    .addColumn('timers', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('attempt_event_seq')
    .on('attempt_event')
    .columns(['attempt_id', 'seq'])
    .unique()
    .execute();

  await db.schema
    .createTable('attempt_timer')
    .addColumn('attempt_id', 'text', (c) =>
      c.notNull().references('attempt.id').onDelete('cascade'),
    )
    .addColumn('timer_id', 'text', (c) => c.notNull())
    .addColumn('due_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('attempt_timer_pk', ['attempt_id', 'timer_id'])
    .execute();

  await db.schema
    .createTable('dnc')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('campaign_id', 'text', (c) => c.references('campaign.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  // One entry per scope and phone; NULL (global) is folded to '' because NULLs never
  // collide in a unique index.
  await db.schema
    .createIndex('dnc_scope_phone')
    .on('dnc')
    .unique()
    .expression(sql`ifnull(campaign_id, ''), phone`)
    .execute();
}

/** Drops everything `up` created, children first. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'dnc',
    'attempt_timer',
    'attempt_event',
    'attempt_input',
    'attempt',
    'lead',
    'lead_import_issue',
    'lead_import',
    'campaign',
    'recording',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
