import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigReference } from '../src/config-reference-page.js';

/** Writes docs/configuration.md from the configuration schema. */
const target = path.resolve(import.meta.dirname, '../docs/configuration.md');
writeFileSync(target, renderConfigReference());
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
