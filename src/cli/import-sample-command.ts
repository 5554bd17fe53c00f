import { SAMPLE_LEADS_CSV } from '../intake/lead-csv-sample.js';

/**
 * `dialstate import --sample`: the sample CSV, to start a file from. A module of its own
 * so that printing it loads neither the settings nor the import pipeline and the store.
 */
export function importSampleCommand(): number {
  process.stdout.write(SAMPLE_LEADS_CSV);
  return 0;
}
