/**
 * `npm run bench -- <name> [options]`: runs one benchmark. Adding one is one line in BENCHMARKS
 * below: a name and a module exporting `run(args: string[]): Promise<number>` (the exit code).
 */

interface BenchmarkModule {
  run(args: string[]): Promise<number>;
}

// Loaded on demand, so one benchmark's missing tool or module does not stop the others.
const BENCHMARKS: Record<string, () => BenchmarkModule> = {
  chat: () => require('./chat') as BenchmarkModule,
  scan: () => require('./scan') as BenchmarkModule,
  sites: () => require('./sites') as BenchmarkModule,
  spray: () => require('./spray') as BenchmarkModule,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv.slice(2);
  const load = name ? BENCHMARKS[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]`);
    return 2;
  }
  return load().run(args);
}

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (error: Error) => {
    console.error(`bench: ${error.message}`);
    process.exitCode = 1;
  },
);
