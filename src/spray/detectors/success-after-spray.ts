import { isoTime } from '../findings';
import type { Context, Detection } from './context';
import { plural } from './evidence';
import { MINUTE } from './time-windows';

/**
 * spray-success-after-spray: a password-right result for an account an attacking source (or its
 * cluster) targeted. Reads the attackers the other detectors found, so it runs last.
 */
export function successAfterSpray(ctx: Context, out: Detection): void {
  const slack = ctx.content.file.thresholds.successAfterSpray.slackMinutes * MINUTE;
  const seen = new Set<string>();
  for (const attacker of out.attackers) {
    const state = ctx.agg.sources.get(attacker.source);
    if (!state) continue;
    for (const [account, pair] of state.pairs) {
      if (pair.passwordRight === 0 || pair.lastOk < attacker.since - slack) continue;
      const key = `${attacker.source}\u0000${account}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const useFirst = pair.firstOk >= attacker.since - slack;
      const when = useFirst ? pair.firstOk : pair.lastOk;
      const result = useFirst ? pair.firstOkResult : pair.lastOkResult;
      const wasTarget = attacker.targeted.has(account) || pair.fails > 0;
      const how = result === 'success'
        ? 'signed in successfully'
        : result === 'expired' ? 'got "password expired" (the password was right)' : 'got past the password; MFA or Conditional Access stopped it';
      const outcome = result === 'success' ? 'signed in' : result === 'expired' ? 'password expired' : 'stopped only by MFA or Conditional Access';
      out.drafts.push({
        id: 'spray-success-after-spray',
        ip: attacker.source,
        start: when,
        end: pair.lastOk,
        sourceCounts: new Map([[attacker.source, pair.passwordRight]]),
        accounts: [account],
        evidence: `${account} ${how} from ${attacker.source} at ${isoTime(when)}, during ${attacker.what} that began ${isoTime(attacker.since)}`
          + `${wasTarget ? ' and targeted this account' : ''}. `
          + `${plural(pair.passwordRight, 'password-right result')} and ${plural(pair.fails, 'failure')} for this account from this source. `
          + 'Treat the password as known to the attacker: reset it and revoke sessions.',
        samples: [`${isoTime(when)} ${account} from ${attacker.source}: ${result}`],
        families: state.families,
        legacy: false,
        vars: { account, outcome, source: attacker.source, when: isoTime(when) },
      });
    }
  }
}
