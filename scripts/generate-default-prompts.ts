/**
 * Regenerates the shipped prompts in assets/prompts/ (see SHIPPED_PROMPTS for their
 * wording) with espeak-ng, through dialstate's own converter, as raw 8 kHz mono μ-law.
 * Run by hand when the wording changes, then commit the files; CI never runs it.
 *
 *   apt-get install espeak-ng        # Debian/Ubuntu
 *   npm run prompts:generate
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { convertForAsterisk } from '../src/media/asterisk-audio.js';
import { SHIPPED_PROMPTS, shippedPromptsDir } from '../src/media/shipped-prompts.js';

const dir = shippedPromptsDir();
mkdirSync(dir, { recursive: true });
for (const prompt of SHIPPED_PROMPTS) {
  // US English a little slower than espeak-ng's default 175 words per minute: clear on a phone line.
  const wav = execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '--stdout', prompt.text]);
  const converted = convertForAsterisk(wav, { contentType: 'audio/wav' });
  if (!converted.ok) throw new Error(`${prompt.key}: ${converted.rejection.message}`);
  writeFileSync(path.join(dir, prompt.file), converted.value.ulaw);
  process.stdout.write(
    `${prompt.file}: ${converted.value.durationMs} ms, ${converted.value.ulaw.length} bytes\n`,
  );
}
