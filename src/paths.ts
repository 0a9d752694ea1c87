import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The checkout's top directory. Code runs both from src/ (ts-jest) and from dist/src/ (built),
 * so walk up to the package.json rather than counting "..".
 */
function findProjectRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'content'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`router-audit: cannot find the project directory above ${start}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const CONTENT_DIR = path.join(PROJECT_ROOT, 'content');
