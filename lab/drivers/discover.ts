import { discoverHosts, type DiscoveryOptions } from '../../src/scanner/discovery';
import { readProcArp } from '../../src/scanner/discovery/arp-sweep';
import type { DiscoveredHost } from '../../src/scanner/types';

/**
 * Runs discovery where it is started (inside a lab namespace) and prints one JSON document:
 *   ip netns exec <ns> node dist/lab/drivers/discover.js '{"addresses":[…],"options":{…}}'
 * Output: { hosts, events: [{ ip, atMs }], durationMs, neighbours } — neighbours is the kernel's
 * table afterwards, so a test can see which addresses were asked for.
 */

interface Input {
  addresses: string[];
  options?: Partial<DiscoveryOptions>;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const started = Date.now();
  const events: Array<{ ip: string; atMs: number }> = [];
  const hosts: DiscoveredHost[] = await discoverHosts(
    input.addresses,
    { reachabilityPorts: [80, 443, 22, 23, 7777, 8080], ...input.options },
    (host) => events.push({ ip: host.ip, atMs: Date.now() - started }),
  );
  const durationMs = Date.now() - started;
  process.stdout.write(`${JSON.stringify({ hosts, events, durationMs, neighbours: readProcArp() ?? [] })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`discover driver: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
