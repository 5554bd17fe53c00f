/**
 * The nine arguments of Asterisk's `AMD()`, in order (a test keeps it the server's),
 * and what each changes; their defaults come from the server (`GET /api/meta`).
 */
export const AMD_FIELDS = [
  {
    name: 'initialSilence',
    label: 'Initial silence',
    unit: 'ms',
    help: 'Longest silence before the first word. More than this and the line counts as a machine (people say hello quickly; many machines wait).',
  },
  {
    name: 'greeting',
    label: 'Greeting',
    unit: 'ms',
    help: 'Longest greeting a person gives. A longer voice before silence counts as a machine greeting.',
  },
  {
    name: 'afterGreetingSilence',
    label: 'After-greeting silence',
    unit: 'ms',
    help: 'Silence after the greeting that means a person is waiting for us to speak: HUMAN.',
  },
  {
    name: 'totalAnalysisTime',
    label: 'Total analysis time',
    unit: 'ms',
    help: 'Longest AMD listens before giving up with NOTSURE. Callers hear silence meanwhile.',
  },
  {
    name: 'minimumWordLength',
    label: 'Minimum word length',
    unit: 'ms',
    help: 'Shortest sound that counts as a word; shorter sounds are noise.',
  },
  {
    name: 'betweenWordsSilence',
    label: 'Between-words silence',
    unit: 'ms',
    help: 'Silence that separates two words.',
  },
  {
    name: 'maximumNumberOfWords',
    label: 'Maximum number of words',
    unit: 'words',
    help: 'More words than this in the greeting means a machine. Lower it (e.g. 3) to catch long voicemail greetings sooner.',
  },
  {
    name: 'silenceThreshold',
    label: 'Silence threshold',
    unit: 'energy (0–32767)',
    help: 'Energy below which audio is silence. Raise it on noisy lines.',
  },
  {
    name: 'maximumWordLength',
    label: 'Maximum word length',
    unit: 'ms',
    help: 'Longest single word; a longer sound (a tone, music) counts as a machine.',
  },
] as const;

export type AmdFieldName = (typeof AMD_FIELDS)[number]['name'];
