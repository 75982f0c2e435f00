import type { ArchivedEvent } from './event-order.js';

/** Characters a raw header cannot hold: the separators, and surrogates (a lone one would not survive UTF-8). */
const NEEDS_ESCAPE = /[\t\n\ud800-\udfff]/;

/**
 * One line of a sorted run file: the sort fields, then the envelope line. The common case is raw and tab-separated
 * (`key TAB sequence TAB eventId TAB type TAB line`), which costs a fraction of `JSON.stringify`; a header field with
 * a tab, newline or surrogate makes the header a JSON array instead (it starts with `[`, which no raw key
 * can: keys start with an aggregate type). The envelope line is last, so its own tabs need no escaping.
 */
export function encodeSpillRecord(event: ArchivedEvent): string {
  const { key, sequence, eventId, type, line } = event;
  if (
    key.startsWith('[') ||
    NEEDS_ESCAPE.test(key) ||
    NEEDS_ESCAPE.test(eventId) ||
    NEEDS_ESCAPE.test(type)
  ) {
    return `${JSON.stringify([key, sequence, eventId, type])}\t${line}`;
  }
  return `${key}\t${sequence}\t${eventId}\t${type}\t${line}`;
}

/** Reads back a line written by {@link encodeSpillRecord}. */
export function decodeSpillRecord(text: string): ArchivedEvent {
  if (text.startsWith('[')) {
    // JSON.stringify escapes tabs, so the first raw tab ends the header.
    const tab = text.indexOf('\t');
    const [key, sequence, eventId, type] = JSON.parse(text.slice(0, tab)) as [string, number, string, string];
    return { key, sequence, eventId, type, line: text.slice(tab + 1) };
  }
  const t1 = text.indexOf('\t');
  const t2 = text.indexOf('\t', t1 + 1);
  const t3 = text.indexOf('\t', t2 + 1);
  const t4 = text.indexOf('\t', t3 + 1);
  if (t1 < 0 || t2 < 0 || t3 < 0 || t4 < 0) throw new Error('malformed spill record');
  return {
    key: text.slice(0, t1),
    sequence: Number(text.slice(t1 + 1, t2)),
    eventId: text.slice(t2 + 1, t3),
    type: text.slice(t3 + 1, t4),
    line: text.slice(t4 + 1),
  };
}
