import type { SprayContent } from '../content';
import { normaliseAccount, normaliseIp, parseTime } from '../normalise';
import type { AuthResult } from '../types';
import type { CsvRow } from '../readers/csv';
import { fastExtractor, objectExtractor, sameEvent, text, type Fields, type MapOutcome } from './fields';

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

/** The fast reading of AuditData is checked against JSON.parse on the first rows and every Nth. */
const CHECK_FIRST = 64;
const CHECK_EVERY = 1024;
const EMPTY = Buffer.alloc(0);

/**
 * A Purview CSV row: the AuditData JSON is the record; the row's own CreationDate, UserId and
 * Operation fill in what AuditData lacks. Rows whose Operation column is not a sign-in are
 * skipped before AuditData is parsed (in a real export most rows are other operations). An ASCII
 * AuditData is read in place, quotes still doubled, by the same key-search fast path as NDJSON
 * lines, checked against JSON.parse on samples and switched off if they ever disagree.
 */
export function m365CsvMapper(content: SprayContent, columns: Record<M365CsvField, number>): (row: CsvRow) => MapOutcome {
  const paths = content.file.fields.m365.json;
  const extract = objectExtractor<M365Field>(paths);
  const fast = fastExtractor<M365Field>(paths, { required: ['operation', 'time', 'account'], onlyWithout: { reason: 'code' }, doubledQuotes: true });
  const build = m365Builder(content);
  const operations = new Set(Object.keys(content.file.fields.m365.operations));
  let fastOn = true;
  let uses = 0;
  const cell = (row: CsvRow, field: M365CsvField): string | undefined => (columns[field] >= 0 ? row.get(columns[field]) : undefined);

  const complete = (fields: Fields<M365Field>, row: CsvRow): MapOutcome => {
    fields.time ??= cell(row, 'time');
    fields.account ??= cell(row, 'account');
    fields.operation ??= cell(row, 'operation');
    return build(fields);
  };
  const full = (row: CsvRow): MapOutcome => {
    const raw = text(cell(row, 'auditData'));
    if (raw.trim() === '') {
      return complete({ time: undefined, account: undefined, ip: undefined, code: undefined, reason: undefined, operation: undefined, status: undefined, app: undefined }, row);
    }
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      return `AuditData is not valid JSON (${(error as Error).message})`;
    }
    return complete(extract(record), row);
  };

  return (row) => {
    const operation = text(cell(row, 'operation')).trim();
    if (operation !== '' && !operations.has(operation)) return null;
    const escaped = fastOn ? row.rawAscii(columns.auditData) : undefined;
    if (escaped !== undefined && escaped.length > 0) {
      const fields = fast.extract({ text: escaped, bytes: EMPTY, ascii: true }, 0, escaped.length);
      if (fields) {
        const outcome = complete(fields, row);
        uses++;
        if (uses <= CHECK_FIRST || uses % CHECK_EVERY === 0) {
          const checked = full(row);
          if (!sameEvent(outcome, checked)) {
            fastOn = false;
            return checked;
          }
        }
        return outcome;
      }
    }
    return full(row);
  };
}
