import { Aggregator, sourceOf } from '../../../src/spray/aggregate';
import { loadSprayContent } from '../../../src/spray/content';
import { AUTH_RESULTS, type AuthEvent, type AuthResult } from '../../../src/spray/types';

/**
 * The packed pair table against a plain Map model: a seeded random stream of events over many
 * (source, account) pairs, in and out of time order, with long, latin1 and non-latin1 keys and events
 * without an address, fed one by one (so the aggregator's batches and their boundaries are
 * crossed many times) must give every pair the numbers the model counts.
 */

const content = loadSprayContent();

interface Model {
  fails: number;
  passwordRight: number;
  successes: number;
  locks: number;
  firstSeen: number;
  lastSeen: number;
  firstOk: number;
  lastOk: number;
  firstOkResult: AuthResult | null;
  lastOkResult: AuthResult | null;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function eventStream(count: number, seed: number): AuthEvent[] {
  const next = random(seed);
  const accounts = Array.from({ length: 700 }, (_, i) =>
    i % 97 === 0 ? `jürgen.ß${i}@contoso.example` : i % 101 === 0 ? `łukasz.用户${i}@contoso.example` : i % 89 === 0 ? `${'very.long.account.name.'.repeat(3)}${i}@contoso.example` : `user${i}@contoso.example`);
  const sources = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? null : `198.18.${i >> 8}.${i & 255}`));
  const start = Date.UTC(2024, 9, 1);
  return Array.from({ length: count }, (_, i) => {
    const ip = sources[Math.floor(next() * sources.length)] ?? null;
    const event: AuthEvent = {
      // mostly increasing, sometimes a step back: logs are not always in order
      time: start + i * 1000 - (next() < 0.1 ? Math.floor(next() * 3_600_000) : 0),
      account: accounts[Math.floor(next() * accounts.length)]!,
      ip,
      result: AUTH_RESULTS[Math.floor(next() * AUTH_RESULTS.length)]!,
      app: next() < 0.5 ? 'Exchange ActiveSync' : null,
      code: null,
    };
    if (ip === null) event.workstation = next() < 0.5 ? 'WS01' : undefined;
    return event;
  });
}

function model(events: readonly AuthEvent[]): Map<string, Model> {
  const pairs = new Map<string, Model>();
  for (const event of events) {
    const key = `${sourceOf(event)}\u0000${event.account}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { fails: 0, passwordRight: 0, successes: 0, locks: 0, firstSeen: Infinity, lastSeen: -Infinity, firstOk: Infinity, lastOk: -Infinity, firstOkResult: null, lastOkResult: null };
      pairs.set(key, pair);
    }
    const time = event.time;
    pair.firstSeen = Math.min(pair.firstSeen, time);
    pair.lastSeen = Math.max(pair.lastSeen, time);
    if (content.sprayFailure.has(event.result)) pair.fails++;
    if (event.result === 'locked') pair.locks++;
    if (content.passwordRight.has(event.result)) {
      pair.passwordRight++;
      if (event.result === 'success') pair.successes++;
      if (time < pair.firstOk) [pair.firstOk, pair.firstOkResult] = [time, event.result];
      if (time > pair.lastOk) [pair.lastOk, pair.lastOkResult] = [time, event.result];
    }
  }
  return pairs;
}

describe('Aggregator', () => {
  it.each([1, 31, 32, 33, 5000])('keeps exactly the numbers of a plain model for %i events', (count) => {
    const events = eventStream(count, count);
    const agg = new Aggregator(content);
    for (const event of events) agg.add(event, 1);
    const expected = model(events);

    expect(agg.events).toBe(count);
    expect(agg.pairCount).toBe(expected.size);
    const seen = new Set<string>();
    for (const [source, state] of agg.sources) {
      for (const [account, pair] of state.pairs) {
        const key = `${source}\u0000${account}`;
        seen.add(key);
        const want = expected.get(key);
        expect(want).toBeDefined();
        expect({
          fails: pair.fails, passwordRight: pair.passwordRight, successes: pair.successes, locks: pair.locks,
          firstSeen: pair.firstSeen, lastSeen: pair.lastSeen, firstOk: pair.firstOk, lastOk: pair.lastOk,
          firstOkResult: pair.passwordRight > 0 ? pair.firstOkResult : null, lastOkResult: pair.passwordRight > 0 ? pair.lastOkResult : null,
        }).toEqual(want);
      }
    }
    expect(seen.size).toBe(expected.size);
  });

  it('counts events added after the pairs were read (a second file after a first)', () => {
    const [first, second] = [eventStream(100, 7), eventStream(50, 8)];
    const agg = new Aggregator(content);
    for (const event of first) agg.add(event, 1);
    expect(agg.pairCount).toBe(model(first).size);
    for (const event of second) agg.add(event, 2);
    expect(agg.pairCount).toBe(model([...first, ...second]).size);
    expect(agg.events).toBe(150);
  });
});
