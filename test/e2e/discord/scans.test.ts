/**
 * Scan coordination as Discord users see it: a second request for a target being scanned joins
 * the running scan and gets the same report; the per-user rate limit answers privately; a scan cut
 * short by its time limit is reported as partial. The runner scans nothing (real scans:
 * scan-lab.test.ts); what is under test is the path from INTERACTION_CREATE to the reply.
 */
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';
import { EPHEMERAL, ScriptedRunner, embedText, emptyResult, expectWithinLimits, finalEdit, flagsOf, startBot, type RunningBot } from './bot';

const ALICE = { id: '100000000000000001', username: 'alice' };
const BOB = { id: '100000000000000002', username: 'bob' };
const CAROL = { id: '100000000000000003', username: 'carol' };

describe('Discord adapter: joined scans, rate limit, partial reports', () => {
  let discord: DiscordStandIn;
  let bot: RunningBot;
  const runner = new ScriptedRunner(emptyResult);

  beforeAll(async () => {
    discord = await startDiscord();
    bot = await startBot(discord, runner, { SCAN_RATE_LIMIT: '2', SCAN_RATE_WINDOW_MS: '600000' });
  });

  afterAll(async () => {
    await bot?.adapter.stop();
    await discord?.close();
  });

  beforeEach(() => runner.reset());

  const scan = (target: string, user = ALICE) => discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', target)])], user });

  it('lets a second user join a scan already running: one scan, the same report for both', async () => {
    let release: () => void = () => undefined;
    runner.release = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = scan('10.9.0.0/30', ALICE);
    await first.nextEdit(); // progress: the scan is running
    const second = scan('10.9.0.0/30', BOB);
    await second.nextEdit(); // Bob's progress line: he has joined
    release();
    const [a, b] = await Promise.all([finalEdit(first), finalEdit(second)]);
    expectWithinLimits(a);
    expectWithinLimits(b);
    expect(runner.jobs).toHaveLength(1);
    expect(embedText(a)).toContain('Scan of 10.9.0.0/30');
    expect(embedText(b)).toContain('already running; this is its report');
  });

  it('answers the rate limit privately and starts no scan', async () => {
    // Joining Alice's scan did not count: Bob has two scans of his own left.
    await finalEdit(scan('10.9.1.0/30', BOB));
    await finalEdit(scan('10.9.2.0/30', BOB));
    const over = scan('10.9.3.0/30', BOB);
    const followup = await over.nextFollowup();
    expect(flagsOf(followup) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(followup)).toContain('the limit is 2 (SCAN_RATE_LIMIT)');
    expect(runner.jobs.flatMap((job) => job.targets)).toEqual(['10.9.1.0/30', '10.9.2.0/30']);
    // Others are not affected.
    expectWithinLimits(await finalEdit(scan('10.9.3.0/30', ALICE)));
  });

  it('marks a scan cut short by its time limit as partial', async () => {
    runner.result = (job) => ({ ...emptyResult(job), partial: true });
    const edit = await finalEdit(scan('10.9.4.0/30', CAROL));
    expectWithinLimits(edit);
    expect(embedText(edit)).toContain('Partial scan of 10.9.4.0/30');
    expect(embedText(edit)).toContain('did not finish');
  });
});
