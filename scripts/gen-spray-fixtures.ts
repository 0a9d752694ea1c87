/**
 * Generates synthetic sign-in logs for the spray engine's tests and benchmark: benign traffic
 * (with typos, forgotten passwords, MFA prompts), and the attacks the engine must find: a
 * single-source spray, a distributed low-and-slow spray over several days (the Quad7 shape),
 * brute force on one account, success after spray, enumeration, and a Windows lockout burst.
 * Seeded: the same seed gives the same files. Every address is from documentation or benchmark
 * ranges (198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 100.64.0.0/10, 10.20.0.0/16).
 *
 *   node dist/scripts/gen-spray-fixtures.js OUTDIR [--seed N] [--benign-only]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type SimResult = 'success' | 'bad_password' | 'unknown_account' | 'locked' | 'mfa_required_password_ok' | 'disabled';

/** One simulated Entra sign-in, before it is written in some log shape. */
export interface SimSignIn {
  time: number;
  account: string;
  ip: string;
  result: SimResult;
  app: string;
}

/** A seeded PRNG (mulberry32): small, fast, good enough for test data. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yara', 'zoe', 'liam', 'noah', 'emma', 'mia'];
const LAST = ['smith', 'jones', 'brown', 'taylor', 'wilson', 'evans', 'thomas', 'roberts', 'walker', 'wright', 'hall', 'green', 'baker', 'moore'];
export const DOMAIN = 'contoso.com';
const DAY = 86_400_000;
const MINUTE = 60_000;

export const ENTRA_CODE: Record<SimResult, number> = {
  success: 0, bad_password: 50126, unknown_account: 50034, locked: 50053, mfa_required_password_ok: 50076, disabled: 50057,
};
const FAILURE_REASON: Record<SimResult, string> = {
  success: 'Other.',
  bad_password: 'Error validating credentials due to invalid username or password.',
  unknown_account: "User account '{upn}' from identity provider 'https://sts.windows.net/…/' does not exist in tenant 'Contoso' and cannot access the application.",
  locked: 'The account is locked, you\'ve tried to sign in too many times with an incorrect user ID or password.',
  mfa_required_password_ok: 'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access.',
  disabled: 'The user account is disabled.',
};

/** What the scenario contains: the ground truth the tests check findings against. */
export interface Truth {
  singleSource: { ip: string; accounts: string[] };
  distributed: { sources: string[]; accounts: string[]; app: string };
  bruteForce: { ip: string; account: string };
  successAfterSpray: Array<{ ip: string; account: string; result: SimResult }>;
  enumeration: { ip: string; accounts: string[] };
  benignUsers: string[];
}

export interface Scenario {
  signIns: SimSignIn[];
  truth: Truth;
  start: number;
}

export interface ScenarioOptions {
  seed?: number;
  users?: number;
  days?: number;
  /** 2024-10-01T00:00:00Z by default */
  start?: number;
  attacks?: boolean;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function ipIn(prefix: string, n: number): string {
  return `${prefix}.${n}`;
}

/** The Entra/M365 scenario: benign users plus every attack (unless attacks: false). */
export function entraScenario(options: ScenarioOptions = {}): Scenario {
  const random = rng(options.seed ?? 1658);
  const userCount = options.users ?? 300;
  const days = options.days ?? 7;
  const start = options.start ?? Date.UTC(2024, 9, 1);
  const signIns: SimSignIn[] = [];
  const users: string[] = [];
  const seen = new Set<string>();
  while (users.length < userCount) {
    let name = `${pick(random, FIRST)}.${pick(random, LAST)}`;
    if (seen.has(name)) name = `${name}${users.length}`;
    seen.add(name);
    users.push(`${name}@${DOMAIN}`);
  }
  const officeNat = '203.0.113.10';
  const homeOf = new Map(users.map((u, i) => [u, ipIn('198.51.100', 1 + (i % 250))]));
  const benignApps = ['Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync'];

  // --- benign traffic: sign-ins on working days, typos fixed at once, forgotten passwords, MFA
  for (let day = 0; day < days; day++) {
    const weekday = new Date(start + day * DAY).getUTCDay();
    const working = weekday !== 0 && weekday !== 6;
    for (const user of users) {
      const count = working ? 2 + Math.floor(random() * 5) : Math.floor(random() * 2);
      for (let k = 0; k < count; k++) {
        const time = start + day * DAY + (7 + random() * 11) * 3_600_000;
        const where = random();
        const ip = where < 0.6 ? officeNat : where < 0.85 ? homeOf.get(user)! : ipIn(`100.64.${Math.floor(random() * 200)}`, 1 + Math.floor(random() * 250));
        const app = pick(random, benignApps);
        if (random() < 0.05) signIns.push({ time: time - (5 + random() * 50) * 1000, account: user, ip, result: 'bad_password', app });
        if (random() < 0.1) signIns.push({ time: time - 20_000, account: user, ip, result: 'mfa_required_password_ok', app });
        signIns.push({ time, account: user, ip, result: 'success', app });
      }
    }
  }
  // forgotten passwords: a few failures from home, sometimes a lockout, success after a reset
  for (let i = 0; i < 4; i++) {
    const user = users[(i * 37) % users.length]!;
    const ip = homeOf.get(user)!;
    const t0 = start + (1 + i) * DAY + 8 * 3_600_000;
    const tries = 3 + Math.floor(random() * 4);
    for (let k = 0; k < tries; k++) signIns.push({ time: t0 + k * 90_000, account: user, ip, result: 'bad_password', app: 'Browser' });
    if (i % 2 === 0) signIns.push({ time: t0 + tries * 90_000, account: user, ip, result: 'locked', app: 'Browser' });
    signIns.push({ time: t0 + 3 * 3_600_000, account: user, ip: officeNat, result: 'success', app: 'Browser' });
  }
  // an old phone with a stale password: a failure every few hours, for days
  {
    const user = users[5]!;
    for (let h = 0; h < days * 24; h += 4) signIns.push({ time: start + h * 3_600_000 + 600_000, account: user, ip: homeOf.get(user)!, result: 'bad_password', app: 'Exchange ActiveSync' });
  }
  // a mistyped user name now and then
  for (let i = 0; i < 3; i++) {
    const user = users[(i * 53) % users.length]!;
    signIns.push({ time: start + (2 + i) * DAY + 9 * 3_600_000, account: user.replace('.', ''), ip: officeNat, result: 'unknown_account', app: 'Browser' });
  }

  const truth: Truth = {
    singleSource: { ip: '198.18.5.5', accounts: [] },
    distributed: { sources: [], accounts: [], app: 'Authenticated SMTP' },
    bruteForce: { ip: '198.18.9.9', account: users[11]! },
    successAfterSpray: [],
    enumeration: { ip: '198.18.7.7', accounts: [] },
    benignUsers: users,
  };
  if (options.attacks === false) return { signIns: signIns.sort((a, b) => a.time - b.time), truth, start };

  // --- single-source spray: one IP, 60 accounts, one attempt each, within 15 minutes (day 2)
  {
    const ip = truth.singleSource.ip;
    const t0 = start + 2 * DAY + 10 * 3_600_000;
    const targets = users.slice(100, 160);
    targets.forEach((account, k) => {
      signIns.push({ time: t0 + k * 15_000, account, ip, result: 'bad_password', app: 'IMAP4' });
    });
    truth.singleSource.accounts = targets;
    // ...and one of them worked: the same source signs in 38 minutes later
    const victim = targets[7]!;
    signIns.push({ time: t0 + 38 * MINUTE, account: victim, ip, result: 'success', app: 'IMAP4' });
    truth.successAfterSpray.push({ ip, account: victim, result: 'success' });
  }

  // --- distributed low-and-slow spray over 5 days: 80 accounts, about one attempt per account per
  // day, each from a different router; each router makes one or two attempts in all
  {
    const targets = users.slice(170, 250);
    const app = truth.distributed.app;
    let node = 0;
    const sources = new Set<string>();
    const nextSource = (): string => {
      const ip = `198.19.${Math.floor(node / 250)}.${1 + (node % 250)}`;
      node++;
      return ip;
    };
    let carry: string | null = null;
    for (let day = 1; day <= 5; day++) {
      for (const account of targets) {
        // about 80% of the days, as Microsoft reports (one attempt per account per day)
        if (random() > 0.8) continue;
        const ip: string = carry ?? nextSource();
        // a node sometimes tries a second account
        carry = carry === null && random() < 0.3 ? ip : null;
        sources.add(ip);
        const time = start + day * DAY + random() * DAY;
        signIns.push({ time, account, ip, result: random() < 0.05 ? 'locked' : 'bad_password', app });
      }
    }
    truth.distributed = { sources: [...sources], accounts: targets, app };
    // one node of the cluster gets a password right on day 4 (MFA stops it) ...
    const victim = targets[3]!;
    const member = [...sources][40]!;
    signIns.push({ time: start + 4 * DAY + 13 * 3_600_000, account: victim, ip: member, result: 'mfa_required_password_ok', app });
    truth.successAfterSpray.push({ ip: member, account: victim, result: 'mfa_required_password_ok' });
    // ... and a fresh node, seen nowhere else, gets another one right on its only attempt
    const fresh = nextSource();
    const second = targets[9]!;
    signIns.push({ time: start + 5 * DAY + 2 * 3_600_000, account: second, ip: fresh, result: 'mfa_required_password_ok', app });
    truth.successAfterSpray.push({ ip: fresh, account: second, result: 'mfa_required_password_ok' });
  }

  // --- brute force: 150 attempts on one account over two hours, then the lockout answers
  {
    const { ip, account } = truth.bruteForce;
    const t0 = start + 3 * DAY + 1 * 3_600_000;
    for (let k = 0; k < 150; k++) {
      signIns.push({ time: t0 + k * 48_000, account, ip, result: k < 12 ? 'bad_password' : 'locked', app: 'Exchange ActiveSync' });
    }
  }

  // --- enumeration: names that do not exist in the tenant
  {
    const ip = truth.enumeration.ip;
    const names = ['admin', 'administrator', 'test', 'backup', 'scanner', 'info', 'sales', 'support', 'helpdesk', 'hr', 'finance', 'it', 'webmaster', 'noreply', 'office', 'reception', 'marketing', 'service', 'ceo', 'security'];
    const t0 = start + 4 * DAY + 2 * 3_600_000;
    names.forEach((name, k) => {
      signIns.push({ time: t0 + k * 7 * MINUTE, account: `${name}@${DOMAIN}`, ip, result: 'unknown_account', app: 'Browser' });
    });
    truth.enumeration.accounts = names.map((name) => `${name}@${DOMAIN}`);
  }

  return { signIns: signIns.sort((a, b) => a.time - b.time), truth, start };
}

// ---------------------------------------------------------------------------------------------
// Writers: one simulated sign-in in each log shape.

function iso(time: number): string {
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

function guid(random: () => number): string {
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

/** A Graph signIn resource with the fields a real one has (trimmed of the long arrays). */
export function graphRecord(s: SimSignIn, random: () => number): Record<string, unknown> {
  const code = ENTRA_CODE[s.result];
  return {
    id: guid(random),
    createdDateTime: iso(s.time),
    userDisplayName: s.account.split('@')[0]!.replace('.', ' '),
    userPrincipalName: s.account,
    userId: guid(random),
    appId: '00000002-0000-0ff1-ce00-000000000000',
    appDisplayName: 'Office 365 Exchange Online',
    ipAddress: s.ip,
    clientAppUsed: s.app,
    correlationId: guid(random),
    conditionalAccessStatus: code === 0 ? 'success' : 'notApplied',
    isInteractive: true,
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
    resourceDisplayName: 'Office 365 Exchange Online',
    resourceId: '00000002-0000-0ff1-ce00-000000000000',
    status: { errorCode: code, failureReason: code === 0 ? null : FAILURE_REASON[s.result].replace('{upn}', s.account), additionalDetails: null },
    deviceDetail: { deviceId: '', displayName: '', operatingSystem: 'Windows 10', browser: 'Edge 129.0.0', isCompliant: false, isManaged: false, trustType: '' },
    location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US', geoCoordinates: { altitude: null, latitude: 47.68, longitude: -122.12 } },
    appliedConditionalAccessPolicies: [],
  };
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export const PORTAL_HEADER = [
  'Date (UTC)', 'Request ID', 'User agent', 'Correlation ID', 'User ID', 'User', 'Username', 'User type', 'Cross tenant access type',
  'Incoming token type', 'Authentication Protocol', 'Unique token identifier', 'Original transfer method', 'Client credential type',
  'Token Protection - Sign In Session', 'Application', 'Application ID', 'Resource', 'Resource ID', 'Resource tenant ID', 'Home tenant ID',
  'Home tenant name', 'IP address', 'Location', 'Status', 'Sign-in error code', 'Failure reason', 'Client app', 'Device ID', 'Browser',
  'Operating System', 'Compliant', 'Managed', 'Join Type', 'Multifactor authentication result', 'Multifactor authentication auth method',
  'Multifactor authentication auth detail', 'Authentication requirement', 'Sign-in identifier', 'Session ID', 'IP address (seen by resource)',
  'Autonomous system number', 'Flagged for review', 'Token issuer type', 'Token issuer name', 'Latency', 'Conditional Access',
];

/** A row of the portal's "Download CSV" (interactive sign-ins). */
export function portalRow(s: SimSignIn, random: () => number): string {
  const code = ENTRA_CODE[s.result];
  const status = code === 0 ? 'Success' : s.result === 'mfa_required_password_ok' ? 'Interrupted' : 'Failure';
  const cells: Record<string, string> = {
    'Date (UTC)': new Date(s.time).toISOString(),
    'Request ID': guid(random),
    'User agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
    'Correlation ID': guid(random),
    'User ID': guid(random),
    User: s.account.split('@')[0]!.replace('.', ' '),
    Username: s.account,
    'User type': 'Member',
    'Cross tenant access type': 'None',
    'Incoming token type': 'None',
    'Authentication Protocol': 'None',
    Application: 'Office 365 Exchange Online',
    'Application ID': '00000002-0000-0ff1-ce00-000000000000',
    Resource: 'Office 365 Exchange Online',
    'Home tenant name': 'Contoso, Ltd.',
    'IP address': s.ip,
    Location: 'Redmond, Washington, US',
    Status: status,
    'Sign-in error code': String(code),
    'Failure reason': code === 0 ? 'Other.' : FAILURE_REASON[s.result].replace('{upn}', s.account),
    'Client app': s.app,
    'Operating System': 'Windows10',
    Compliant: 'No',
    Managed: 'No',
    'Authentication requirement': 'Single-factor authentication',
    'Sign-in identifier': s.account,
    Latency: String(40 + Math.floor(random() * 200)),
    'Conditional Access': 'Not Applied',
  };
  return PORTAL_HEADER.map((h) => csvCell(cells[h] ?? '')).join(',');
}

export const PURVIEW_HEADER = ['RecordId', 'CreationDate', 'RecordType', 'Operation', 'UserId', 'AuditData', 'AssociatedAdminUnits', 'AssociatedAdminUnitsNames'];

/** A Purview audit search CSV row; AuditData is the unified audit record as JSON. */
export function purviewRow(s: SimSignIn, random: () => number): string {
  const failed = s.result !== 'success';
  const id = guid(random);
  const audit = {
    CreationTime: new Date(s.time).toISOString().slice(0, 19),
    Id: id,
    Operation: failed ? 'UserLoginFailed' : 'UserLoggedIn',
    OrganizationId: 'b3a1c2d4-0000-4000-8000-000000000001',
    RecordType: 15,
    ResultStatus: failed ? 'Failed' : 'Success',
    UserKey: guid(random),
    UserType: 0,
    Version: 1,
    Workload: 'AzureActiveDirectory',
    ClientIP: s.ip,
    ObjectId: '00000002-0000-0ff1-ce00-000000000000',
    UserId: s.account,
    AzureActiveDirectoryEventType: 1,
    ExtendedProperties: [
      { Name: 'ResultStatusDetail', Value: failed ? 'Redirect' : 'Success' },
      { Name: 'UserAgent', Value: 'Mozilla/5.0 (compatible; MSAL 1.0)' },
      { Name: 'RequestType', Value: 'OAuth2:Token' },
    ],
    ModifiedProperties: [],
    Actor: [{ ID: guid(random), Type: 0 }, { ID: s.account, Type: 5 }],
    ActorContextId: 'b3a1c2d4-0000-4000-8000-000000000001',
    ActorIpAddress: s.ip,
    InterSystemsId: guid(random),
    IntraSystemId: guid(random),
    SupportTicketId: '',
    Target: [{ ID: 'Unknown', Type: 0 }],
    TargetContextId: 'b3a1c2d4-0000-4000-8000-000000000001',
    ApplicationId: s.app === 'Authenticated SMTP' ? 'a0c73c16-a7e3-4564-9a95-2bdf47383716' : '00000002-0000-0ff1-ce00-000000000000',
    ErrorNumber: String(ENTRA_CODE[s.result]),
    ...(failed ? { LogonError: { bad_password: 'InvalidUserNameOrPassword', locked: 'IdsLocked', unknown_account: 'UserAccountNotFound', mfa_required_password_ok: 'UserStrongAuthClientAuthNRequiredInterrupt', disabled: 'UserAccountDisabled', success: '' }[s.result] } : {}),
  };
  const creation = `${new Date(s.time).toISOString().slice(0, 19)}.0000000Z`;
  return [id, creation, 'AzureActiveDirectoryStsLogon', audit.Operation, s.account, JSON.stringify(audit), '', ''].map(csvCell).join(',');
}

// ---------------------------------------------------------------------------------------------
// Windows domain controller scenario (winlogbeat NDJSON)

export interface WindowsTruth {
  attacker: string;
  accounts: string[];
  lockedAccounts: string[];
}

export interface SimWindowsEvent {
  time: number;
  id: 4624 | 4625 | 4740 | 4771 | 4776;
  user: string;
  ip: string | null;
  workstation: string | null;
  status?: string;
  subStatus?: string;
  logonType?: number;
}

export function windowsScenario(seed = 4625, start = Date.UTC(2024, 9, 7)): { events: SimWindowsEvent[]; truth: WindowsTruth } {
  const random = rng(seed);
  const users = Array.from({ length: 60 }, (_, i) => `${FIRST[i % FIRST.length]}${i}`);
  const events: SimWindowsEvent[] = [];
  for (const [i, user] of users.entries()) {
    const ip = `10.20.1.${10 + i}`;
    for (let k = 0; k < 6; k++) {
      const time = start + (8 + random() * 9) * 3_600_000;
      if (random() < 0.08) events.push({ time: time - 15_000, id: 4625, user, ip, workstation: `WS-${i}`, status: '0xC000006D', subStatus: '0xC000006A', logonType: 3 });
      events.push({ time, id: 4624, user, ip, workstation: `WS-${i}`, logonType: 3 });
    }
  }
  // a compromised workstation guesses passwords against 30 accounts, 12 tries each: lockouts
  const attacker = '10.20.0.99';
  const targets = users.slice(0, 30);
  const locked: string[] = [];
  const t0 = start + 13 * 3_600_000;
  targets.forEach((user, u) => {
    for (let k = 0; k < 12; k++) {
      const time = t0 + u * 40_000 + k * 3_000;
      if (k < 10) {
        events.push({ time, id: 4625, user, ip: attacker, workstation: 'WS-099', status: '0xC000006D', subStatus: '0xC000006A', logonType: 3 });
      } else {
        events.push({ time, id: 4625, user, ip: attacker, workstation: 'WS-099', status: '0xC000006E', subStatus: '0xC0000234', logonType: 3 });
      }
      if (k === 9) {
        events.push({ time: time + 500, id: 4740, user, ip: null, workstation: 'WS-099' });
        locked.push(user);
      }
    }
  });
  // Kerberos and NTLM noise
  events.push({ time: start + 9 * 3_600_000, id: 4771, user: users[40]!, ip: '10.20.1.50', workstation: null, status: '0x18' });
  events.push({ time: start + 9 * 3_600_000 + 60_000, id: 4776, user: users[40]!, ip: null, workstation: 'WS-40', status: '0x0' });
  return { events: events.sort((a, b) => a.time - b.time), truth: { attacker, accounts: targets, lockedAccounts: locked } };
}

/** winlogbeat 8 shape: ECS fields and winlog.event_data, every value a string. */
export function winlogbeatRecord(e: SimWindowsEvent): Record<string, unknown> {
  const data: Record<string, string> = {
    TargetUserName: e.user,
    TargetDomainName: e.id === 4740 ? (e.workstation ?? '') : 'CONTOSO',
  };
  if (e.ip !== null) data.IpAddress = e.id === 4771 ? `::ffff:${e.ip}` : e.ip;
  if (e.workstation !== null && e.id !== 4740) data[e.id === 4776 ? 'Workstation' : 'WorkstationName'] = e.workstation;
  if (e.status) data.Status = e.status;
  if (e.subStatus) data.SubStatus = e.subStatus;
  if (e.logonType !== undefined) data.LogonType = String(e.logonType);
  if (e.id === 4740) data.SubjectUserName = 'DC01$';
  const failed = e.id === 4625 || e.id === 4771 || (e.id === 4776 && e.status !== '0x0');
  return {
    '@timestamp': new Date(e.time).toISOString(),
    event: { code: String(e.id), kind: 'event', provider: 'Microsoft-Windows-Security-Auditing', outcome: failed ? 'failure' : 'success', action: 'logon-failed' },
    host: { name: 'DC01.contoso.local' },
    log: { level: 'information' },
    winlog: {
      channel: 'Security',
      computer_name: 'DC01.contoso.local',
      event_id: String(e.id),
      provider_name: 'Microsoft-Windows-Security-Auditing',
      record_id: String(Math.floor(e.time / 1000)),
      event_data: data,
      keywords: [failed ? 'Audit Failure' : 'Audit Success'],
    },
    ...(e.ip !== null ? { source: { ip: e.ip } } : {}),
    user: { name: e.user, domain: 'CONTOSO' },
  };
}

// ---------------------------------------------------------------------------------------------
// sshd scenario (auth.log)

export interface SshTruth {
  sprayer: string;
  sprayedUsers: string[];
  bruteForcer: string;
}

export function sshScenario(seed = 22, start = Date.UTC(2024, 2, 10)): { lines: string[]; truth: SshTruth } {
  const random = rng(seed);
  const lines: Array<{ time: number; text: string }> = [];
  let pid = 40000;
  const push = (time: number, text: string): void => {
    lines.push({ time, text });
  };
  const staff = ['deploy', 'alice', 'bob', 'backup'];
  for (let day = 0; day < 3; day++) {
    for (const user of staff) {
      const time = start + day * DAY + (8 + random() * 8) * 3_600_000;
      const p = pid++;
      if (user === 'alice' && day === 1) push(time - 8_000, `sshd[${p}]: Failed password for alice from 10.20.1.11 port 51234 ssh2`);
      push(time, `sshd[${p}]: Accepted ${user === 'deploy' ? 'publickey' : 'password'} for ${user} from 10.20.1.${10 + staff.indexOf(user)} port ${50000 + p % 1000} ssh2${user === 'deploy' ? ': ED25519 SHA256:Xk2Vb0Yc' : ''}`);
      push(time + 1, `sshd[${p}]: pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`);
      push(time + 60_000, `CRON[${pid++}]: pam_unix(cron:session): session closed for user root`);
    }
  }
  // a spray: one address, 40 user names, one try each; most names do not exist
  const sprayer = '203.0.113.66';
  const names = ['admin', 'test', 'oracle', 'postgres', 'ubuntu', 'user', 'guest', 'ftp', 'git', 'jenkins', 'pi', 'support', 'www', 'mysql', 'hadoop', 'nagios', 'tomcat', 'ansible', 'docker', 'elastic',
    'minecraft', 'steam', 'teamspeak', 'zabbix', 'redis', 'kafka', 'odoo', 'gitlab', 'vagrant', 'azureuser', 'ec2-user', 'centos', 'debian', 'apache', 'nginx', 'sysadmin', 'operator', 'alice', 'bob', 'backup'];
  const t0 = start + DAY + 2 * 3_600_000;
  names.forEach((name, k) => {
    const p = pid++;
    const time = t0 + k * 20_000;
    if (staff.includes(name)) {
      push(time, `sshd[${p}]: Failed password for ${name} from ${sprayer} port ${40000 + k} ssh2`);
    } else {
      push(time, `sshd[${p}]: Invalid user ${name} from ${sprayer} port ${40000 + k}`);
      push(time + 900, `sshd[${p}]: Failed password for invalid user ${name} from ${sprayer} port ${40000 + k} ssh2`);
    }
    push(time + 1200, `sshd[${p}]: Connection closed by ${staff.includes(name) ? 'authenticating' : 'invalid'} user ${name} ${sprayer} port ${40000 + k} [preauth]`);
  });
  // brute force on root
  const bruteForcer = '198.51.100.200';
  const b0 = start + 2 * DAY + 3 * 3_600_000;
  for (let k = 0; k < 60; k++) {
    const p = pid++;
    push(b0 + k * 30_000, `sshd[${p}]: Failed password for root from ${bruteForcer} port ${30000 + k} ssh2`);
    if (k % 6 === 5) push(b0 + k * 30_000 + 100, `sshd[${p}]: error: maximum authentication attempts exceeded for root from ${bruteForcer} port ${30000 + k} ssh2 [preauth]`);
  }
  lines.sort((a, b) => a.time - b.time);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const text = lines.map(({ time, text: message }) => {
    const d = new Date(time);
    const stamp = `${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`;
    return `${stamp} bastion ${message}`;
  });
  return { lines: text, truth: { sprayer, sprayedUsers: names, bruteForcer } };
}

// ---------------------------------------------------------------------------------------------

export interface WrittenFixtures {
  dir: string;
  files: Record<string, string>;
  truth: Truth;
  windows: WindowsTruth;
  ssh: SshTruth;
}

/** Writes every fixture file into dir; returns their paths and the ground truth. */
export function writeSprayFixtures(dir: string, options: ScenarioOptions = {}): WrittenFixtures {
  mkdirSync(dir, { recursive: true });
  const seed = options.seed ?? 1658;
  const scenario = entraScenario(options);
  const benign = entraScenario({ ...options, attacks: false });
  const random = rng(seed + 1);
  const files: Record<string, string> = {};
  const write = (name: string, content: string): void => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    files[name] = file;
  };
  const records = scenario.signIns.map((s) => graphRecord(s, random));
  write('entra-signins.ndjson', `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  // Graph pages: newest first, as Graph returns them, split over two files
  const newestFirst = [...records].reverse();
  const half = Math.ceil(newestFirst.length / 2);
  write('entra-graph-page-1.json', JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: newestFirst.slice(0, half), '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=abc' }, null, 2));
  write('entra-graph-page-2.json', JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: newestFirst.slice(half) }, null, 2));
  write('entra-portal.csv', `\ufeff${PORTAL_HEADER.join(',')}\r\n${scenario.signIns.map((s) => portalRow(s, random)).join('\r\n')}\r\n`);
  write('m365-audit.csv', `${PURVIEW_HEADER.join(',')}\r\n${scenario.signIns.map((s) => purviewRow(s, random)).join('\r\n')}\r\n`);
  write('entra-benign.ndjson', `${benign.signIns.map((s) => JSON.stringify(graphRecord(s, random))).join('\n')}\n`);
  const windows = windowsScenario(seed + 2);
  write('windows-security.ndjson', `${windows.events.map((e) => JSON.stringify(winlogbeatRecord(e))).join('\n')}\n`);
  const ssh = sshScenario(seed + 3);
  write('auth.log', `${ssh.lines.join('\n')}\n`);
  write('truth.json', JSON.stringify({ entra: scenario.truth, windows: windows.truth, ssh: ssh.truth }, null, 2));
  return { dir, files, truth: scenario.truth, windows: windows.truth, ssh: ssh.truth };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    process.stderr.write('usage: gen-spray-fixtures OUTDIR [--seed N]\n');
    process.exit(2);
  }
  const seedIndex = args.indexOf('--seed');
  const seed = seedIndex >= 0 ? Number(args[seedIndex + 1]) : undefined;
  const written = writeSprayFixtures(dir, seed === undefined ? {} : { seed });
  process.stdout.write(`${Object.values(written.files).join('\n')}\n`);
}
