import type { SprayContent } from '../content';
import { normaliseAccount, normaliseIp, parseTime } from '../normalise';
import type { AuthResult } from '../types';
import { objectExtractor, text, type Fields, type MapOutcome } from './fields';

/**
 * Microsoft 365 unified audit log (Purview audit search): JSON/NDJSON records or the CSV export
 * whose AuditData column holds the record as JSON. Only the sign-in operations count
 * (UserLoginFailed / UserLoggedIn); every other operation is skipped, not malformed.
 */

export type M365Field = 'time' | 'account' | 'ip' | 'code' | 'reason' | 'operation' | 'status' | 'app';

export function m365Builder(content: SprayContent): (fields: Fields<M365Field>) => MapOutcome {
  const operations = new Map(Object.entries(content.file.fields.m365.operations));
  return (fields) => {
    const operation = text(fields.operation).trim();
    const kind = operations.get(operation);
    if (kind === undefined) return null;
    const time = parseTime(fields.time);
    if (Number.isNaN(time)) return 'no valid CreationTime';
    const account = normaliseAccount(text(fields.account));
    if (account === null) return 'no UserId';
    const errorNumber = text(fields.code).trim();
    const reason = text(fields.reason).trim();
    let result: AuthResult;
    if (kind === 'success') {
      result = 'success';
    } else {
      result = (errorNumber !== '' ? content.entraCodes.get(errorNumber) : undefined)
        ?? (reason !== '' ? content.m365LogonErrors.get(reason.toLowerCase()) : undefined)
        ?? 'other_failure';
      // UserLoginFailed with error 0 says nothing about the password: keep it a failure
      if (result === 'success') result = 'other_failure';
    }
    const app = text(fields.app).trim();
    return {
      time,
      account,
      ip: normaliseIp(text(fields.ip)),
      result,
      app: app === '' ? null : app,
      code: errorNumber !== '' ? errorNumber : reason !== '' ? reason : null,
    };
  };
}

export function m365ObjectMapper(content: SprayContent): (record: unknown) => MapOutcome {
  const extract = objectExtractor<M365Field>(content.file.fields.m365.json);
  const build = m365Builder(content);
  return (record) => build(extract(record));
}

export type M365CsvField = 'time' | 'account' | 'operation' | 'auditData';

/**
 * A Purview CSV row: the AuditData JSON is the record; the row's own CreationDate, UserId and
 * Operation fill in what AuditData lacks.
 */
export function m365CsvMapper(content: SprayContent): (row: Fields<M365CsvField>) => MapOutcome {
  const extract = objectExtractor<M365Field>(content.file.fields.m365.json);
  const build = m365Builder(content);
  return (row) => {
    const raw = text(row.auditData);
    let fields: Fields<M365Field>;
    if (raw.trim() === '') {
      fields = { time: undefined, account: undefined, ip: undefined, code: undefined, reason: undefined, operation: undefined, status: undefined, app: undefined };
    } else {
      let record: unknown;
      try {
        record = JSON.parse(raw);
      } catch (error) {
        return `AuditData is not valid JSON (${(error as Error).message})`;
      }
      fields = extract(record);
    }
    fields.time ??= row.time;
    fields.account ??= row.account;
    fields.operation ??= row.operation;
    return build(fields);
  };
}
