import { formatAsteriskTime } from './format-asterisk-time.js';

/** The Asterisk version the simulator imitates (the traces' version). */
export const SIMULATED_VERSION = '22.10.1';

/** Modules loaded by default: what a dialstate installation needs, `app_amd.so` included. */
export const DEFAULT_MODULES: readonly string[] = [
  'app_amd.so',
  'app_dial.so',
  'app_stasis.so',
  'app_userevent.so',
  'chan_pjsip.so',
  'func_talkdetect.so',
  'res_ari.so',
  'res_ari_channels.so',
  'res_stasis.so',
  'res_stasis_playback.so',
];

const MODULE_DETAILS: Readonly<Record<string, { description: string; support_level: string }>> = {
  'app_amd.so': {
    description: 'Answering Machine Detection Application',
    support_level: 'extended',
  },
  'app_dial.so': { description: 'Dialing Application', support_level: 'core' },
  'app_stasis.so': { description: 'Stasis dialplan application', support_level: 'core' },
  'app_userevent.so': { description: 'Custom User Event Application', support_level: 'core' },
  'chan_pjsip.so': { description: 'PJSIP Channel Driver', support_level: 'core' },
  'func_talkdetect.so': { description: 'Talk detection dialplan function', support_level: 'core' },
  'res_ari.so': { description: 'Asterisk RESTful Interface', support_level: 'core' },
  'res_ari_channels.so': {
    description: 'RESTful API module - Channel resources',
    support_level: 'core',
  },
  'res_stasis.so': { description: 'Stasis application support', support_level: 'core' },
  'res_stasis_playback.so': {
    description: 'Stasis application playback support',
    support_level: 'core',
  },
};

/** ARI's `Module` model for a loaded module. */
export function moduleInfo(name: string): {
  name: string;
  description: string;
  use_count: number;
  status: string;
  support_level: string;
} {
  const details = MODULE_DETAILS[name] ?? { description: '', support_level: 'unknown' };
  return {
    name,
    description: details.description,
    use_count: 0,
    status: 'Running',
    support_level: details.support_level,
  };
}

/** `GET /asterisk/info`, limited to the `only` sections when given. */
export function asteriskInfo(
  facts: { asteriskId: string; startedAt: number },
  only: readonly string[],
): Record<string, unknown> {
  const started = formatAsteriskTime(facts.startedAt);
  const sections: Record<string, unknown> = {
    build: {
      os: 'Linux',
      kernel: 'dialstate-sim',
      machine: process.arch,
      options: 'OPTIONAL_API',
      date: started.slice(0, 10),
      user: 'dialstate',
    },
    system: { version: SIMULATED_VERSION, entity_id: facts.asteriskId },
    config: {
      name: 'dialstate-sim',
      default_language: 'en',
      setid: { user: 'asterisk', group: 'asterisk' },
    },
    status: { startup_time: started, last_reload_time: started },
  };
  if (only.length === 0) return sections;
  return Object.fromEntries(Object.entries(sections).filter(([name]) => only.includes(name)));
}
