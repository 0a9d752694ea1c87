import { writeFileSync } from 'node:fs';

/**
 * Small Entra ID sign-in logs (Graph JSON lines) for tests of the spray command: a spray from one
 * source against many accounts, optionally with one account whose password then worked.
 */

export interface SignIn {
  at: Date;
  account: string;
  ip: string;
  /** Entra status.errorCode: 0 success, 50126 bad password, 50076 MFA required (password right) */
  code: number;
}

export function entraLine(event: SignIn): string {
  return JSON.stringify({
    id: `${event.at.getTime()}-${event.account}`,
    createdDateTime: event.at.toISOString(),
    userPrincipalName: event.account,
    ipAddress: event.ip,
    appDisplayName: 'Office 365 Exchange Online',
    clientAppUsed: 'Exchange ActiveSync',
    status: { errorCode: event.code, failureReason: event.code === 0 ? null : 'Invalid username or password.' },
  });
}

/** A spray: `accounts` accounts, one attempt each, a minute apart, from `ip`; then `winner` succeeds. */
export function sprayEvents(ip: string, accounts: number, start: Date, winner?: string): SignIn[] {
  const events: SignIn[] = [];
  for (let i = 0; i < accounts; i += 1) {
    events.push({ at: new Date(start.getTime() + i * 60_000), account: `user${i}@contoso.com`, ip, code: 50126 });
  }
  if (winner) events.push({ at: new Date(start.getTime() + (accounts + 5) * 60_000), account: winner, ip, code: 0 });
  return events;
}

/** A sign-in log's text, one JSON object a line, as it is exported (and uploaded to the bot). */
export function entraLogText(events: SignIn[], extraLines: string[] = []): string {
  return [...events.map(entraLine), ...extraLines].join('\n') + '\n';
}

export function writeEntraLog(file: string, events: SignIn[], extraLines: string[] = []): string {
  writeFileSync(file, entraLogText(events, extraLines));
  return file;
}

/** A recent spray from `ip`, as a log's text: 12 accounts from six hours ago, then user3's password works. */
export function recentSprayLog(ip: string): string {
  return entraLogText(sprayEvents(ip, 12, new Date(Date.now() - 6 * 3600_000), 'user3@contoso.com'));
}
