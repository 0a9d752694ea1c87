import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Lab and CLI tests run compiled code in child processes (inside network namespaces, where the
 * Jest process itself cannot go), so build dist/ before any test runs. Incremental: cheap when
 * nothing changed.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
