import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Lab and CLI tests run compiled code in child processes (inside network namespaces, where the
 * Jest process itself cannot go), so build dist/ before any test runs. Incremental: cheap when
 * nothing changed. Type errors do not stop the emit (tsc still writes JavaScript); they fail the
 * dedicated type-check test instead, so one broken file does not hide every other result.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(`\n[global-setup] tsc reported problems (see the type-check test):\n${result.stdout}${result.stderr}\n`);
  }
}
