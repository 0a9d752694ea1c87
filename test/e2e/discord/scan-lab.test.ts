/**
 * A real scan from Discord: `/router-audit scan targets:10.77.0.0/24` through the real discord.js
 * client, the dispatcher and the ScanCoordinator, with the scan itself run by NamespaceScanRunner
 * inside the demo lab's scanner namespace (never on this machine's own network). The reply is
 * deferred first, then edited with the report that names the Quad7 xlogin router critical.
 */
import { DEMO_TOPOLOGY } from '../../../lab/demo';
import { NamespaceScanRunner } from '../../../src/commands/namespace-runner';
import { describeLab, withLab } from '../../support/lab';
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';
import { EPHEMERAL, embedText, expectWithinLimits, flagsOf, startBot, type RunningBot } from './bot';

const LAN = '10.77.0.0/24';
const ROUTER = DEMO_TOPOLOGY.gateway ?? '10.77.0.1';

describeLab('Discord: a real scan in the lab', () => {
  const handle = withLab(DEMO_TOPOLOGY, __filename);
  let discord: DiscordStandIn;
  let bot: RunningBot | undefined;

  beforeAll(async () => {
    discord = await startDiscord();
    // The worker checks the targets again against its own SCAN_ALLOW: only the lab's LAN.
    const runner = new NamespaceScanRunner({ namespace: handle.lab.scannerNamespace, env: { ...process.env, SCAN_ALLOW: LAN, SCAN_NETNS: '' } });
    bot = await startBot(discord, runner, { SCAN_ALLOW: LAN }, { progressIntervalMs: 200 });
  }, 30_000);

  afterAll(async () => {
    await bot?.adapter.stop();
    await discord?.close();
  });

  it('defers at once, then edits the reply with the report naming the xlogin router critical', async () => {
    await handle.lab.flushScannerNeighbours();
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', LAN)])] });
    const defer = await ix.callback();
    expect(defer.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(discord.rest.calls.all((c) => c.params.token === ix.token)[0]?.route).toBe('createInteractionResponse');

    let edit = await ix.nextEdit({ timeoutMs: 60_000 });
    const progress: string[] = [];
    while (!(edit.body as { embeds?: unknown[] }).embeds?.length) {
      progress.push(String((edit.body as { content?: string }).content));
      edit = await ix.nextEdit({ timeoutMs: 60_000 });
    }
    expect(progress[0]).toContain(`Scanning ${LAN}`);
    expectWithinLimits(edit);
    expect(flagsOf(edit) & EPHEMERAL).toBe(0);
    const text = embedText(edit);
    expect(text).toContain(`Scan of ${LAN}`);
    expect(text).toMatch(new RegExp(`CRITICAL · ${ROUTER.replace(/\./g, '\\.')}\\b`));
    expect(text).toContain('xlogin');
    expect(text).toContain('TP-Link');
    expect(ix.state().original?.embeds[0]?.color).toBe(0x992d22);
  }, 90_000);
});
