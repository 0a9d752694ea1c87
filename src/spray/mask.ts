import type { SprayFinding, SprayReport } from './types';

/**
 * Account names for chat: enough to recognise your own colleague, not enough to hand a list of
 * valid accounts to whoever reads the channel. `alice@contoso.com` → `a***e@contoso.com`,
 * `CONTOSO\bob` → `CONTOSO\b***b`, `jo` → `j***`, `user10@…` → `u****0@…` (stars follow the length, up to 6).
 */
export function maskAccount(account: string): string {
  const at = account.lastIndexOf('@');
  const slash = account.indexOf('\\');
  let prefix = '';
  let local = account;
  let suffix = '';
  if (at > 0) {
    local = account.slice(0, at);
    suffix = account.slice(at);
  } else if (slash >= 0) {
    prefix = account.slice(0, slash + 1);
    local = account.slice(slash + 1);
  }
  const chars = [...local];
  if (chars.length === 0) return account;
  // The stars follow the hidden length (up to 6), so user0 and user10 do not look like one account.
  const stars = '*'.repeat(Math.min(Math.max(chars.length - 2, 3), 6));
  const masked = chars.length <= 2 ? `${chars[0]}***` : `${chars[0]}${stars}${chars[chars.length - 1]}`;
  return `${prefix}${masked}${suffix}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces whole account names only ("admin" must not mask part of "administrator"). */
function maskText(text: string, accounts: string[]): string {
  const names = accounts.filter((a) => a.length > 0).sort((a, b) => b.length - a.length);
  if (names.length === 0) return text;
  const pattern = new RegExp(`(?<![\\w.@\\\\-])(?:${names.map(escapeRegExp).join('|')})(?![\\w.@\\\\-])`, 'gi');
  return text.replace(pattern, (name) => maskAccount(name));
}

/** A copy of a finding with every account name masked, in lists, title, evidence and samples. */
export function maskFinding(finding: SprayFinding, allAccounts: string[] = finding.accounts): SprayFinding {
  return {
    ...finding,
    title: maskText(finding.title, allAccounts),
    accounts: finding.accounts.map(maskAccount),
    evidence: maskText(finding.evidence, allAccounts),
    samples: finding.samples.map((sample) => maskText(sample, allAccounts)),
  };
}

/**
 * A copy of the report for chat: account names masked everywhere (unless the caller decided to
 * show them, e.g. SPRAY_SHOW_ACCOUNTS=1). Samples of malformed lines are dropped: they may hold
 * account names in any shape.
 */
export function maskReport(report: SprayReport): SprayReport {
  const all = [...new Set(report.findings.flatMap((f) => f.accounts))];
  return {
    ...report,
    inputs: report.inputs.map((input) => ({ ...input, samples: input.samples.map((s) => ({ line: s.line, reason: s.reason })) })),
    findings: report.findings.map((finding) => maskFinding(finding, all)),
  };
}
