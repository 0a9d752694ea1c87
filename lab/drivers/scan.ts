import { loadContent } from '../../src/content/load';
import { runScan, type ScanOptions, type ScanProgress } from '../../src/scanner/scan';

/**
 * Runs the full scan pipeline where it is started (inside a lab namespace) and prints one JSON
 * document: { result, progress, elapsedMs }.
 *   ip netns exec <ns> node dist/lab/drivers/scan.js '{"targets":[…],"addresses":[…],"timeoutMs":…}'
 * Used by the lab tests and the benchmark; the CLI has its own tests.
 */

interface Input {
  targets: string[];
  addresses: string[];
  timeoutMs?: number;
  discovery?: ScanOptions['discovery'];
}

async function main(): Promise<void> {
  const started = Date.now();
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const progress: ScanProgress[] = [];
  const result = await runScan(
    { targets: input.targets, addresses: input.addresses },
    { content: loadContent(), timeoutMs: input.timeoutMs, discovery: input.discovery, onProgress: (p) => progress.push(p) },
  );
  process.stdout.write(`${JSON.stringify({ result, progress, elapsedMs: Date.now() - started })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`scan driver: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
