// AssemblyScript, compiled to wasm/json-fields.wasm by `npm run build:wasm` (the binary is
// committed; a test checks that it is this source's output). It finds the values of a few keys in
// one JSON object on one line without parsing the rest: the NDJSON fast path of
// src/spray/formats/fields.ts calls it for every record.
//
// locate() reads one line; locateLines() reads every line of a chunk in one call and copies the
// string values side by side, so JavaScript decodes those few bytes instead of the whole chunk.
//
// Each field's spellings are tried in path order and the first holding a value other than null
// or "" wins, as the JavaScript extractor does. A key is searched 16 bytes at a time for its
// first and last bytes at the right distance, from where the previous field was found: records
// of one export share their key order (learnt from the lines), so one line is scanned about once.
// Only plain values are reported (ASCII strings without escapes, integers, true, false); for
// anything else the line is "unsure" and JavaScript takes it.
//
// Memory is imported: the file reader's arena (src/spray/readers/arena.ts), whose first 64 KiB
// are this module's tables, whose next areas take locateLines()'s records and values (the caller
// says where), and whose other areas hold the bytes read. The tables:
//   KEYS     written by the caller: u8 field count, then per field u8 (index + 1 of the field
//            whose presence makes this one unneeded, 0: none), u8 spelling count, and per
//            spelling u8 length and the key's bytes with its closing quote (`userPrincipalName"`)
//   TABLES   built from KEYS by prepare(): fields, the search order
//   RESULTS  one 32-byte slot per field: i32 kind, i32 value start, i32 value end, f64 at 16:
//            the number, or for a string its ISO 8601 time in epoch ms (NaN when it is none)
// A line may be anywhere in memory with at least 512 readable bytes after it.

const KEYS: i32 = 0;
const KEYS_BYTES: i32 = 4096;
const MAX_FIELDS: i32 = 32;
// per field: i32 first spelling's KEYS offset, u8 spelling count, u8 (unless + 1), u16 pad,
// i32 where it was found on the last line it was found on (from the line's start)
const FIELDS: i32 = KEYS + KEYS_BYTES;
const FIELD_BYTES: i32 = 12;
/** the search order: field indexes, u8 each */
const ORDER: i32 = FIELDS + MAX_FIELDS * FIELD_BYTES;
const RESULTS: i32 = ORDER + MAX_FIELDS;
const RESULT_BYTES: i32 = 32;
/** the end of this module's part of memory */
const WORK_END: i32 = RESULTS + MAX_FIELDS * RESULT_BYTES;

// locate() results
const LOCATE_UNSURE: i32 = 0;
const LOCATE_FOUND: i32 = 1;

// value kinds in a result slot
const ABSENT: i32 = 0;
const STRING: i32 = 1;
const NUMBER: i32 = 2;
const TRUE: i32 = 3;
const FALSE: i32 = 4;
/** a null or "" value: the next spelling decides */
const EMPTY: i32 = -1;
/** not a plain value */
const UNSURE: i32 = -2;

const QUOTE: u8 = 34;
const BACKSLASH: u8 = 92;
const COLON: u8 = 58;

let fieldCount: i32 = 0;
/**
 * The last line had a spelling that was absent: lines of one export share their keys, so the
 * next line's key summary is made before searching, instead of after a search has missed.
 */
let keysFirst = false;

export function keysAt(): i32 {
  return KEYS;
}
export function keysBytes(): i32 {
  return KEYS_BYTES;
}
export function maxFields(): i32 {
  return MAX_FIELDS;
}
export function resultsAt(): i32 {
  return RESULTS;
}
export function resultBytes(): i32 {
  return RESULT_BYTES;
}
export function workBytes(): i32 {
  return WORK_END;
}

/** Indexes KEYS; false when the table does not fit or a key is shorter than 2 bytes. */
export function prepare(): bool {
  fieldCount = <i32>load<u8>(KEYS);
  if (fieldCount > MAX_FIELDS) return false;
  let p = KEYS + 1;
  for (let f = 0; f < fieldCount; f++) {
    const field = FIELDS + f * FIELD_BYTES;
    store<u8>(field + 5, load<u8>(p));
    const count = <i32>load<u8>(p + 1);
    store<u8>(field + 4, <u8>count);
    store<i32>(field + 8, 0);
    p += 2;
    store<i32>(field, p);
    for (let s = 0; s < count; s++) {
      const length = <i32>load<u8>(p);
      if (length < 2 || p + 1 + length > KEYS + KEYS_BYTES) return false;
      p += 1 + length;
    }
    store<u8>(ORDER + f, <u8>f);
  }
  sortOrder();
  return true;
}

/** Fields by where they were last found, each after the field it depends on (insertion sort). */
function sortOrder(): void {
  for (let i = 1; i < fieldCount; i++) {
    const f = <i32>load<u8>(ORDER + i);
    const key = orderKey(f);
    let j = i - 1;
    while (j >= 0 && orderKey(<i32>load<u8>(ORDER + j)) > key) {
      store<u8>(ORDER + j + 1, load<u8>(ORDER + j));
      j--;
    }
    store<u8>(ORDER + j + 1, <u8>f);
  }
}

@inline function orderKey(f: i32): i64 {
  const field = FIELDS + f * FIELD_BYTES;
  const dependent: i64 = load<u8>(field + 5) != 0 ? <i64>1 << 40 : 0;
  return dependent + <i64>load<i32>(field + 8);
}

@inline function isSpace(c: u32): bool {
  return c == 32 || c == 9 || c == 13 || c == 10;
}

/** The bytes at a and b agree for `length` bytes (16 at a time; reads past the end are masked). */
@inline function same(a: i32, b: i32, length: i32): bool {
  let i = 0;
  for (; i + 16 <= length; i += 16) {
    if (i8x16.bitmask(i8x16.eq(v128.load(a + i), v128.load(b + i))) != 0xffff) return false;
  }
  if (i == length) return true;
  const want = (1 << (length - i)) - 1;
  return (i8x16.bitmask(i8x16.eq(v128.load(a + i), v128.load(b + i))) & want) == want;
}

/** The key `"needle` (the quote before it checked here) in [from, limit), or -1. */
function findKey(from: i32, limit: i32, needle: i32, length: i32): i32 {
  // candidates: where the key's first and last bytes both sit at the right distance
  const first = i8x16.splat(load<u8>(needle));
  const last = i8x16.splat(load<u8>(needle + length - 1));
  for (let p = from; p + length <= limit; p += 16) {
    let mask = i8x16.bitmask(v128.and(i8x16.eq(v128.load(p), first), i8x16.eq(v128.load(p + length - 1), last)));
    while (mask != 0) {
      const at = p + ctz(mask);
      if (at + length > limit) return -1;
      if (load<u8>(at - 1) == QUOTE && same(at, needle, length)) return at;
      mask &= mask - 1;
    }
  }
  return -1;
}

/** Reads the value after a key ending at `at` into the slot; returns its kind, EMPTY or UNSURE. */
function readValue(at: i32, limit: i32, slot: i32): i32 {
  let i = at;
  while (i < limit && isSpace(load<u8>(i))) i++;
  if (i >= limit || load<u8>(i) != COLON) return UNSURE;
  i++;
  while (i < limit && isSpace(load<u8>(i))) i++;
  if (i >= limit) return UNSURE;
  const c = load<u8>(i);
  if (c == QUOTE) return readString(i + 1, limit, slot);
  if ((c >= 48 && c <= 57) || c == 45) return readInteger(i, limit, slot);
  if (c == 116 && i + 4 <= limit && load<u32>(i) == 0x65757274) return TRUE; // true
  if (c == 102 && i + 5 <= limit && load<u32>(i + 1) == 0x65736c61) return FALSE; // false
  if (c == 110 && i + 4 <= limit && load<u32>(i) == 0x6c6c756e) return EMPTY; // null
  return UNSURE; // an object or an array
}

@inline function digit(at: i32): i32 {
  const d = <i32>load<u8>(at) - 48;
  return d >= 0 && d <= 9 ? d : -1000000;
}

@inline function twoDigits(at: i32): i32 {
  return digit(at) * 10 + digit(at + 1);
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month may be any day count past its end). */
function daysFromCivil(year: i32, month: i32, day: i32): i32 {
  const y = month <= 2 ? year - 1 : year;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yearOfEra = y - era * 400;
  const dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Epoch times this module reports: 1973 to 2286, where a number of ms reads unambiguously as one. */
const FIRST_TIME: f64 = 1e11;
const END_TIME: f64 = 1e13;

/**
 * The string [start, end) as an ISO 8601 time in epoch ms, read exactly as parseIsoTime in
 * src/spray/normalise.ts reads it (a test compares the two), or NaN. The caller then needs no
 * string for the time, nor to parse one.
 */
function isoTime(start: i32, end: i32): f64 {
  const length = end - start;
  if (length < 16) return NaN;
  const sep = load<u8>(start + 10);
  if (load<u8>(start + 4) != 45 || load<u8>(start + 7) != 45 || (sep != 84 && sep != 32 && sep != 116) || load<u8>(start + 13) != COLON) return NaN;
  const year = twoDigits(start) * 100 + twoDigits(start + 2);
  const month = twoDigits(start + 5);
  const day = twoDigits(start + 8);
  const hour = twoDigits(start + 11);
  const minute = twoDigits(start + 14);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  let i = start + 16;
  let second = 0;
  let ms = 0;
  if (i < end && load<u8>(i) == COLON) {
    if (i + 3 > end) return NaN;
    second = twoDigits(i + 1);
    if (second < 0 || second > 60) return NaN;
    i += 3;
    if (i < end && (load<u8>(i) == 46 || load<u8>(i) == 44)) {
      // . or ,: the first three digits are the ms, further ones are dropped (as Math.floor does)
      i++;
      let scale = 100;
      while (i < end) {
        const d = <i32>load<u8>(i) - 48;
        if (d < 0 || d > 9) break;
        ms += d * scale;
        scale /= 10;
        i++;
      }
    }
  }
  let time = <f64>daysFromCivil(year, month, day) * 86400000 + <f64>(((hour * 60 + minute) * 60 + second) * 1000 + ms);
  if (i < end) {
    const zone = load<u8>(i);
    if (zone == 90 || zone == 122) {
      if (i != end - 1) return NaN; // Z
    } else if (zone == 43 || zone == 45) {
      // +HH, +HHMM, +HH:MM
      if (i + 3 > end) return NaN;
      const offsetHours = twoDigits(i + 1);
      const colon = i + 3 < end && load<u8>(i + 3) == COLON;
      let offsetMinutes = 0;
      let zoneEnd = i + 3;
      if (end > i + 3) {
        offsetMinutes = twoDigits(colon ? i + 4 : i + 3);
        zoneEnd = i + (colon ? 6 : 5);
      }
      if (offsetHours < 0 || offsetMinutes < 0 || zoneEnd != end) return NaN;
      const offset = <f64>((offsetHours * 60 + offsetMinutes) * 60000);
      time += zone == 43 ? -offset : offset;
    } else {
      return NaN;
    }
  }
  return time >= FIRST_TIME && time < END_TIME ? time : NaN;
}

/** A string from `start` to its closing quote; UNSURE when it has an escape or a byte ≥ 0x80. */
function readString(start: i32, limit: i32, slot: i32): i32 {
  const quote = i8x16.splat(QUOTE);
  const backslash = i8x16.splat(BACKSLASH);
  for (let p = start; p < limit; p += 16) {
    const bytes = v128.load(p);
    const quotes = i8x16.bitmask(i8x16.eq(bytes, quote));
    const odd = i8x16.bitmask(i8x16.eq(bytes, backslash)) | i8x16.bitmask(bytes);
    if (quotes == 0) {
      if (odd != 0) return UNSURE;
      continue;
    }
    const offset = ctz(quotes);
    const close = p + offset;
    if (close >= limit || (odd & ((1 << offset) - 1)) != 0) return UNSURE;
    if (close == start) return EMPTY;
    store<i32>(slot + 4, start);
    store<i32>(slot + 8, close);
    store<f64>(slot + 16, isoTime(start, close));
    return STRING;
  }
  return UNSURE;
}

/** An integer of up to 15 digits (exact as a double); a fraction or exponent is UNSURE. */
function readInteger(start: i32, limit: i32, slot: i32): i32 {
  const negative = load<u8>(start) == 45;
  let i = negative ? start + 1 : start;
  const digits = i;
  let value: f64 = 0;
  while (i < limit) {
    const d = <i32>load<u8>(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + <f64>d;
    i++;
  }
  if (i == digits || i - digits > 15) return UNSURE;
  if (i < limit) {
    const next = load<u8>(i);
    if (next == 46 || next == 101 || next == 69) return UNSURE; // . e E
  }
  store<f64>(slot + 16, negative ? -value : value);
  return NUMBER;
}

@inline function keyHash(at: i32): u64 {
  return <u64>1 << <u64>((load<u32>(at) * 0x9e3779b1) >>> 26);
}

/**
 * A 64-bit summary of the keys in a line: one bit per key, picked by its last four bytes. A key
 * is a quote followed by a colon, maybe after spaces; quotes inside strings may add bits, which
 * only costs a search. A clear bit proves a key absent without searching the line for it: the
 * lines of exports whose keys are not the first spellings (SigninLogs' UserPrincipalName) would
 * otherwise be searched once per absent spelling.
 */
function keysOf(start: i32, last: i32): u64 {
  const quote = i8x16.splat(QUOTE);
  const colon = i8x16.splat(COLON);
  const space = i8x16.splat(32);
  const tab = i8x16.splat(9);
  let bits: u64 = 0;
  for (let p = start + 5; p < last; p += 16) {
    const next = v128.load(p + 1);
    let ends = i8x16.bitmask(i8x16.eq(v128.load(p), quote))
      & i8x16.bitmask(v128.or(i8x16.eq(next, colon), v128.or(i8x16.eq(next, space), i8x16.eq(next, tab))));
    while (ends != 0) {
      const at = p + ctz(ends);
      ends &= ends - 1;
      if (at < last) bits |= keyHash(at - 4);
    }
  }
  return bits;
}

/** Finds the fields in the line [start, end) of memory; LOCATE_FOUND leaves them in RESULTS. */
export function locate(start: i32, end: i32): i32 {
  let last = end - 1;
  while (last > start && isSpace(load<u8>(last))) last--;
  if (end - start < 2 || load<u8>(start) != 123 || load<u8>(last) != 125) return LOCATE_UNSURE; // { }
  let from = start + 1;
  let ordered = true;
  let keys: u64 = 0;
  let keysKnown = keysFirst;
  if (keysKnown) keys = keysOf(start, last);
  let missed = false;
  for (let o = 0; o < fieldCount; o++) {
    const f = <i32>load<u8>(ORDER + o);
    const field = FIELDS + f * FIELD_BYTES;
    const slot = RESULTS + f * RESULT_BYTES;
    store<i32>(slot, ABSENT);
    const unless = <i32>load<u8>(field + 5);
    if (unless != 0 && load<i32>(RESULTS + (unless - 1) * RESULT_BYTES) != ABSENT) continue;
    let spelling = load<i32>(field);
    const count = <i32>load<u8>(field + 4);
    for (let s = 0; s < count; s++) {
      const length = <i32>load<u8>(spelling);
      const needle = spelling + 1;
      spelling = needle + length;
      const bit = length >= 5 ? keyHash(needle + length - 5) : ~(<u64>0);
      if (keysKnown && (keys & bit) == 0) {
        missed = true;
        continue;
      }
      let at = findKey(from, last, needle, length);
      if (at < 0) {
        missed = true;
        if (!keysKnown) {
          keys = keysOf(start, last);
          keysKnown = true;
        }
        if ((keys & bit) == 0 || from == start + 1) continue;
        at = findKey(start + 1, min(from + length, last), needle, length);
        if (at < 0) continue;
      }
      const kind = readValue(at + length, last, slot);
      if (kind == UNSURE) return LOCATE_UNSURE;
      if (kind == EMPTY) continue;
      store<i32>(slot, kind);
      store<i32>(field + 8, at - start);
      if (at < from) ordered = false;
      else from = at + length;
      break;
    }
  }
  if (!ordered) sortOrder();
  keysFirst = missed;
  return LOCATE_FOUND;
}

/** Per line of locateLines: i32 line start, i32 line end, i32 located, i32 pad, then the slots. */
const LINE_HEADER: i32 = 16;
let valuesWritten: i32 = 0;

/**
 * Locates every line of [start, end) (lines end with \n, a \r before it is dropped, empty lines
 * are skipped) as locate() does, and writes each line's record to `out`: LINE_HEADER bytes, then
 * its fields' result slots. String values are copied one after another to `values`, and their
 * slots then hold positions relative to `values`: the caller decodes that one short run of bytes
 * instead of the whole chunk. Stops before a line that does not fit either area; returns the
 * number of lines written.
 */
export function locateLines(start: i32, end: i32, out: i32, outEnd: i32, values: i32, valuesEnd: i32): i32 {
  const lineBytes = LINE_HEADER + fieldCount * RESULT_BYTES;
  const newline = i8x16.splat(10);
  let lines = 0;
  let v = values;
  let s = start;
  while (s < end && out + lineBytes <= outEnd) {
    // the next newline, 16 bytes at a time
    let nl = -1;
    for (let p = s; p < end; p += 16) {
      const mask = i8x16.bitmask(i8x16.eq(v128.load(p), newline));
      if (mask != 0) {
        nl = p + ctz(mask);
        break;
      }
    }
    if (nl < 0 || nl >= end) break;
    let lineEnd = nl;
    if (lineEnd > s && load<u8>(lineEnd - 1) == 13) lineEnd--;
    if (lineEnd > s) {
      const found = locate(s, lineEnd);
      let used: i32 = 0;
      if (found == LOCATE_FOUND) {
        for (let f = 0; f < fieldCount; f++) {
          const slot = RESULTS + f * RESULT_BYTES;
          if (load<i32>(slot) == STRING) used += load<i32>(slot + 8) - load<i32>(slot + 4);
        }
      }
      // values are copied 16 bytes at a time: the last copy may write up to 15 bytes past them
      if (v + used + 16 > valuesEnd) break;
      store<i32>(out, s);
      store<i32>(out + 4, lineEnd);
      store<i32>(out + 8, found);
      if (found == LOCATE_FOUND) {
        for (let f = 0; f < fieldCount; f++) {
          const slot = RESULTS + f * RESULT_BYTES;
          const to = out + LINE_HEADER + f * RESULT_BYTES;
          // plain loads and stores: memory.copy is a call out of the module, dear for a few bytes
          v128.store(to, v128.load(slot));
          v128.store(to + 16, v128.load(slot + 16));
          if (load<i32>(slot) == STRING) {
            const from = load<i32>(slot + 4);
            const length = load<i32>(slot + 8) - from;
            for (let i = 0; i < length; i += 16) v128.store(v + i, v128.load(from + i));
            store<i32>(to + 4, v - values);
            store<i32>(to + 8, v - values + length);
            v += length;
          }
        }
      }
      out += lineBytes;
      lines++;
    }
    s = nl + 1;
  }
  valuesWritten = v;
  return lines;
}

export function lineHeaderBytes(): i32 {
  return LINE_HEADER;
}

/** Where the last locateLines() stopped writing values. */
export function valuesEnd(): i32 {
  return valuesWritten;
}
