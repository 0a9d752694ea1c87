import { normaliseCode, type SprayContent } from '../content';
import { normaliseAccount, normaliseIp, parseTime, stripWindowsDomain } from '../normalise';
import type { AuthResult } from '../types';
import type { WasmArena } from '../readers/arena';
import { compileGetter, fastExtractor, text, type FastExtractor, type Fields, type MapOutcome } from './fields';

/**
 * Windows Security events 4624, 4625, 4740, 4768, 4771, 4776 as JSON, in the common export
 * shapes: winlogbeat/ECS (`winlog.event_id`, `winlog.event_data.*`), EVTX-to-JSON
 * (`Event.System.EventID`, `Event.EventData` as an object or as a `Data` array of Name/#text)
 * and flat NXLog JSON (`EventID`, `TargetUserName` at the top).
 */

export type WindowsField =
  | 'eventId' | 'time' | 'account' | 'domain' | 'ip' | 'workstation' | 'status' | 'subStatus' | 'logonType'
  | 'ecsAccount' | 'ecsIp';

/** EventID written as 4625, "4625", {"#text": 4625} or {"$": "4625"}. */
function scalar(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    return object['#text'] ?? object.$ ?? object.value ?? object.Value;
  }
  return value;
}

/** TimeCreated written as a string or as {SystemTime}, {"@SystemTime"}, {"#attributes": {SystemTime}}. */
function timeValue(value: unknown): unknown {
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const attributes = object['#attributes'] as Record<string, unknown> | undefined;
    return object.SystemTime ?? object['@SystemTime'] ?? attributes?.SystemTime ?? scalar(value);
  }
  return value;
}

/** EventData as {Name: value}, whichever way the converter wrote it. */
function flattenEventData(data: unknown): Record<string, unknown> | null {
  if (!data || typeof data !== 'object') return null;
  const object = data as Record<string, unknown>;
  const list = object.Data;
  if (!Array.isArray(list)) return object;
  const flat: Record<string, unknown> = {};
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const entry = item as Record<string, unknown>;
    const attributes = entry['#attributes'] as Record<string, unknown> | undefined;
    const name = entry['@Name'] ?? entry.Name ?? entry.name ?? attributes?.Name;
    if (typeof name === 'string') flat[name] = entry['#text'] ?? entry.text ?? entry.Value ?? entry.value ?? entry['#value'];
  }
  return flat;
}

export function windowsBuilder(content: SprayContent): (fields: Fields<WindowsField>) => MapOutcome {
  const { events: eventList, successLogonTypes } = content.file.fields.windows;
  const events = new Map(Object.entries(eventList));
  const successTypes = new Set(successLogonTypes);
  // "windows logon type 3": one string per event kind and logon type, not a new one per event
  // (failure patterns compare apps, and a fresh joined string is flattened at each compare)
  const apps = new Map<string, Map<string, string>>();
  const appOf = (app: string, logonType: string): string => {
    if (logonType === '') return app;
    let byType = apps.get(app);
    if (!byType) {
      byType = new Map();
      apps.set(app, byType);
    }
    let joined = byType.get(logonType);
    if (joined === undefined) {
      joined = `${app} type ${logonType}`;
      if (byType.size < 64) byType.set(logonType, joined);
    }
    return joined;
  };
  return (fields) => {
    const raw = fields.eventId;
    const id = typeof raw === 'string' ? raw.trim() : text(scalar(raw)).trim();
    const def = events.get(id);
    if (!def) return null;
    const time = parseTime(timeValue(fields.time));
    if (Number.isNaN(time)) return `event ${id} has no valid time`;
    const rawAccount = text(fields.account) || text(fields.ecsAccount);
    const account = normaliseAccount(stripWindowsDomain(rawAccount));
    if (account === null) return `event ${id} has no TargetUserName`;
    if (content.ignoreAccount(account)) return null;
    const logonType = text(fields.logonType).trim();
    let workstation = text(fields.workstation).trim();
    if (def.kind === 'lockout' && workstation === '') workstation = text(fields.domain).trim(); // 4740: caller computer
    if (workstation === '-') workstation = '';
    let result: AuthResult;
    let code: string | null = null;
    const status = normaliseCode(text(fields.status));
    const subStatus = normaliseCode(text(fields.subStatus));
    switch (def.kind) {
      case 'success':
        if (logonType !== '' && !successTypes.has(logonType)) return null; // service, batch, unlock
        result = 'success';
        break;
      case 'lockout':
        result = 'locked';
        code = id;
        break;
      case 'failure':
        code = subStatus !== '' && subStatus !== '0x0' ? subStatus : status !== '' ? status : null;
        result = code === null ? 'other_failure' : content.windowsCodes.get(code) ?? 'other_failure';
        if (result === 'success') result = 'other_failure';
        break;
      case 'status':
        code = status === '' ? null : status;
        result = code === null ? 'other_failure' : code === '0x0' ? 'success' : content.windowsCodes.get(code) ?? 'other_failure';
        break;
    }
    return {
      time,
      account,
      ip: normaliseIp(text(fields.ip) || text(fields.ecsIp)),
      result,
      app: appOf(def.app, logonType),
      code,
      workstation: workstation === '' ? null : workstation.toLowerCase(),
      // always the same keys, so every event has one shape (undefined: not a lockout notice)
      lockoutNotice: def.kind === 'lockout' ? true : undefined,
    };
  };
}

export function windowsObjectMapper(content: SprayContent): (record: unknown) => MapOutcome {
  const { json, data } = content.file.fields.windows;
  const eventId = compileGetter(json.eventId);
  const time = compileGetter(json.time);
  const dataRoot = compileGetter(json.data);
  const ecsAccount = compileGetter(json.ecsAccount);
  const ecsIp = compileGetter(json.ecsIp);
  const dataGetters = (Object.keys(data) as Array<keyof typeof data>).map((name) => [name, compileGetter(data[name])] as const);
  const build = windowsBuilder(content);
  return (record) => {
    const root = flattenEventData(dataRoot(record)) ?? {};
    const fields = {
      eventId: eventId(record),
      time: time(record),
      ecsAccount: ecsAccount(record),
      ecsIp: ecsIp(record),
    } as Fields<WindowsField>;
    for (const [name, get] of dataGetters) fields[name] = get(root);
    return build(fields);
  };
}

export function windowsFast(content: SprayContent, arena: WasmArena | null = null): FastExtractor<WindowsField> {
  const { json, data } = content.file.fields.windows;
  return fastExtractor<WindowsField>({ ...data, eventId: json.eventId, time: json.time, ecsAccount: json.ecsAccount, ecsIp: json.ecsIp }, {
    required: ['eventId', 'time', 'account'],
    times: ['time'],
    arena,
  });
}
