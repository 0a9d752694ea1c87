import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../paths';
import { MANIFEST_FILE, manifestYaml } from './manifest';

/** `node dist/src/bot/slack/write-manifest.js`: regenerates slack-manifest.yml from the command registry. */
const target = path.join(PROJECT_ROOT, MANIFEST_FILE);
writeFileSync(target, manifestYaml());
process.stdout.write(`wrote ${target}\n`);
