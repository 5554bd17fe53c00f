/**
 * A CSV an operator can start from: every column the importer knows, a custom variable
 * column (`appointment`) and the `custom_vars` JSON column, numbers in three spellings.
 * Served by `dialstate import --sample` (and later the API); imports into a `US`
 * campaign without a single warning (test/intake/import-leads.test.ts).
 */
export const SAMPLE_LEADS_CSV = `phone,name,timezone,caller_id,appointment,custom_vars
+1 415 555 0101,Ada Lovelace,America/Los_Angeles,,2026-12-01 10:30,"{""doctor"": ""Dr. Smith""}"
(212) 555-0102,Alan Turing,America/New_York,+1 212 555 0199,2026-12-01 11:00,
+44 20 7946 0103,Grace Hopper,Europe/London,,2026-12-02 09:15,"{""language"": ""en-GB"", ""visits"": 3}"
312.555.0104,Katherine Johnson,,,2026-12-02 14:00,
`;
