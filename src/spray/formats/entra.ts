import { normaliseWord, type SprayContent } from '../content';
import { normaliseAccount, normaliseIp, parseTime } from '../normalise';
import type { WasmArena } from '../readers/arena';
import type { AuthResult } from '../types';
import { fastExtractor, objectExtractor, text, type FastExtractor, type Fields, type MapOutcome } from './fields';

/**
 * Microsoft Entra ID sign-in logs: Graph / portal JSON (`createdDateTime`, `status.errorCode`),
 * Log Analytics `SigninLogs` (`TimeGenerated`, `ResultType` as a string), the Azure Monitor
 * export (`properties.*`) and the portal's CSV download. Field lists live in spray.yaml.
 */

export type EntraField = 'time' | 'account' | 'ip' | 'code' | 'status' | 'app';

/** A status column or object: {errorCode}, a JSON string of it, or a word (Success, Failure, Interrupted). */
function resultFromStatus(status: unknown, content: SprayContent): { result: AuthResult; code: string | null } | null {
  let value = status;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (value && typeof value === 'object') {
    const code = text((value as Record<string, unknown>).errorCode).trim();
    if (code === '') return null;
    return { result: content.entraCodes.get(code) ?? 'other_failure', code };
  }
  const word = text(value);
  const result = word === '' ? undefined : content.words.get(normaliseWord(word));
  return result ? { result, code: null } : null;
}

export function entraBuilder(content: SprayContent): (fields: Fields<EntraField>) => MapOutcome {
  // Graph writes errorCode as a number: one string per distinct code, not one per event
  const codeTexts = new Map<number, string>();
  const codeText = (value: unknown): string => {
    if (typeof value !== 'number') return text(value).trim();
    let cached = codeTexts.get(value);
    if (cached === undefined) {
      cached = String(value);
      if (codeTexts.size < 4096) codeTexts.set(value, cached);
    }
    return cached;
  };
  return (fields) => {
    const time = parseTime(fields.time);
    if (Number.isNaN(time)) return 'no valid sign-in time (createdDateTime / TimeGenerated)';
    const account = normaliseAccount(text(fields.account));
    if (account === null) return 'no user principal name';
    let code: string | null = codeText(fields.code);
    let result: AuthResult | undefined;
    if (code !== '') {
      result = content.entraCodes.get(code) ?? 'other_failure';
    } else {
      const fromStatus = resultFromStatus(fields.status, content);
      if (!fromStatus) return 'no result (status.errorCode / ResultType / Status)';
      ({ result, code } = fromStatus);
    }
    const app = text(fields.app).trim();
    return { time, account, ip: normaliseIp(text(fields.ip)), result, app: app === '' ? null : app, code };
  };
}

export function entraObjectMapper(content: SprayContent): (record: unknown) => MapOutcome {
  const extract = objectExtractor<EntraField>(content.file.fields.entra.json);
  const build = entraBuilder(content);
  return (record) => build(extract(record));
}

export function entraFast(content: SprayContent, arena: WasmArena | null = null): FastExtractor<EntraField> {
  return fastExtractor<EntraField>(content.file.fields.entra.json, {
    required: ['time', 'account'],
    onlyWithout: { status: 'code' },
    times: ['time'],
    arena,
  });
}
