import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DIST, describeLab, withLab } from '../../support/lab';
import { infectedRouter, tinyLab } from '../../support/topologies';
import { newTempDir } from '../../support/temp-dir';
import { waitUntil } from '../../support/wait';
import { discordEnv, freeLoopbackPort, opt, postSlashCommand, slackEnv, startDiscord, startSlackApi, type DiscordStandIn, type SlackApiStandIn } from '../../../lab/chat';

/**
 * `npm start` as deployed: one process, Slack and Discord configured together, talking to the
 * loopback stand-ins, scanning a lab namespace (SCAN_NETNS), stopped with SIGTERM.
 */

const SIGNING_SECRET = 'both-platforms-signing-secret';

const TOPOLOGY = tinyLab(infectedRouter());

describeLab('npm start with Slack and Discord in one process', () => {
  const handle = withLab(TOPOLOGY, __filename);
  let slack: SlackApiStandIn;
  let discord: DiscordStandIn;
  let bot: ChildProcess;
  let port: number;
  let logFile: string;
  let stdout = '';
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    slack = await startSlackApi({ tokens: ['xoxb-loopback'] });
    discord = await startDiscord({ heartbeatIntervalMs: 500 });
    port = await freeLoopbackPort();
    logFile = path.join(newTempDir('ra-main-'), 'bot.log');
    bot = spawn(process.execPath, [path.join(DIST, 'src', 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...slackEnv(slack, { signingSecret: SIGNING_SECRET, port }),
        ...discordEnv(discord),
        SCAN_NETNS: handle.lab.scannerNamespace,
        SCAN_ALLOW: '10.77.0.0/24',
        DATA_DIR: path.dirname(logFile),
        LOG_FILE: logFile,
        LOG_LEVEL: 'info',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    bot.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    exit = new Promise((resolve) => bot.once('exit', (code, signal) => resolve({ code, signal })));
    await discord.gateway.waitForIdentify();
    await waitUntil(() => readFileSync(logFile, 'utf8').includes('Slack is connected') && readFileSync(logFile, 'utf8').includes('Discord is connected'), 'both platforms', 20_000);
  }, 60_000);

  afterAll(async () => {
    if (bot.exitCode === null) bot.kill('SIGKILL');
    await slack.close();
    await discord.close();
  });

  it('answers a signed Slack slash command with a scan of the lab', async () => {
    const result = await postSlashCommand({
      url: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: SIGNING_SECRET,
      fields: { text: 'scan 10.77.0.0/24', channel_id: 'C1', user_id: 'U1', response_url: slack.responseUrl('main') },
    });
    expect(result.status).toBe(200);
    const report = await slack.calls.next((call) => call.method === 'chat.update' && JSON.stringify(call.args).includes('xlogin'), 'the report with the xlogin finding', { timeoutMs: 30_000 });
    expect(JSON.stringify(report.args)).toContain('10.77.0.1');
  }, 40_000);

  it('answers a Discord interaction in the same process', async () => {
    const interaction = discord.dispatchInteraction({ options: [opt.subcommand('advice', [opt.string('id', 'identity-mfa')])] });
    expect((await interaction.callback()).body).toMatchObject({ type: 5 });
    const edit = await interaction.nextEdit({ timeoutMs: 10_000 });
    expect(JSON.stringify(edit.body)).toContain('policy-all-users-mfa-strength');
  });

  it('runs no terminal prompt when a chat platform is configured, and warns that access is open', () => {
    expect(stdout).not.toContain('router-audit>');
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('everyone who can reach the bot may run scans');
    expect(log).not.toContain(SIGNING_SECRET);
    expect(log).not.toContain(discord.token);
  });

  it('stops cleanly on SIGTERM: exit 0, the HTTP port closed, the gateway left', async () => {
    bot.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    await expect(new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve('open'); });
      socket.on('error', reject);
    })).rejects.toThrow(/ECONNREFUSED/);
    expect(readFileSync(logFile, 'utf8')).toContain('shutting down');
  }, 30_000);
});
