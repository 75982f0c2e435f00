import { describe, expect, it } from 'vitest';
import { isValidEnvelope } from '../../processors/envelope/compiled-check.js';
import {
  decodeEnvelopeBytes,
  EnvelopeError,
  encodeEnvelope,
  envelopeSchema,
  parseEnvelope,
} from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';

// Examples from the W3C Trace Context recommendation, https://www.w3.org/TR/trace-context/#traceparent-header and
// https://www.w3.org/TR/trace-context/#tracestate-header
const W3C_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const W3C_TRACEPARENT_UNSAMPLED = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
const W3C_TRACESTATE = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';

/** `count` distinct members `k<i>=<value>`, comma separated. */
const members = (count: number, value = 'v') =>
  Array.from({ length: count }, (_, i) => `k${i}=${value}`).join(',');

/** The issues parseEnvelope names for an order event with these fields changed. */
function issuesOf(change: Record<string, unknown>): string[] {
  try {
    parseEnvelope({ ...orderEvent('o-1', 1), ...change });
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

describe('envelope trace context fields', () => {
  it.each([
    ['the W3C example', W3C_TRACEPARENT],
    ['the W3C example, not sampled', W3C_TRACEPARENT_UNSAMPLED],
    ['another W3C example', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    [
      'flags other than 00 and 01 (reserved bits are carried, not judged)',
      `${W3C_TRACEPARENT.slice(0, -2)}ff`,
    ],
  ])('accepts traceparent: %s', (_name, traceparent) => {
    expect(issuesOf({ traceparent })).toEqual([]);
  });

  it.each([
    ['uppercase hex', W3C_TRACEPARENT.toUpperCase()],
    ['an uppercase trace id digit', W3C_TRACEPARENT.replace('4bf9', '4BF9')],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['version ff (forbidden)', `ff${W3C_TRACEPARENT.slice(2)}`],
    ['a version other than 00 (the stored form is version 00)', `01${W3C_TRACEPARENT.slice(2)}`],
    ['a 31-digit trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['a 33-digit trace id', '00-4bf92f3577b34da6a3ce929d0e0e47361-00f067aa0ba902b7-01'],
    ['a 15-digit parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01'],
    ['one flag digit', W3C_TRACEPARENT.slice(0, -1)],
    ['a trailing field', `${W3C_TRACEPARENT}-extra`],
    ['surrounding space', ` ${W3C_TRACEPARENT}`],
    ['a trailing newline', `${W3C_TRACEPARENT}\n`],
    ['non-hex digits', W3C_TRACEPARENT.replace('4bf9', '4bg9')],
    ['the empty string', ''],
  ])('refuses traceparent with %s, naming the field', (_name, traceparent) => {
    const issues = issuesOf({ traceparent });
    expect(issues).toEqual([expect.stringMatching(/^traceparent: must be a W3C traceparent/)]);
  });

  it('refuses a traceparent that is not a string', () => {
    expect(issuesOf({ traceparent: 1 })).toEqual([expect.stringMatching(/^traceparent: /)]);
  });

  it.each([
    ['the W3C example', W3C_TRACESTATE],
    ['one member', 'congo=t61rcWkgMzE'],
    ['a multi-tenant key', 'fw529a3039@dt=FW4;0;0;0;0;0;0;0,rojo=00f067aa0ba902b7'],
    ['spaces and tabs around commas', 'rojo=1 ,\tcongo=2 , a=3'],
    ['a value with inner spaces', 'a=one two'],
    ['a key starting with a digit', '1a=x'],
    ['32 members', members(32)],
    ['exactly 512 characters', `a=${'v'.repeat(253)},b=${'v'.repeat(254)}`],
    ['a 256-character key and a 256-character value', `${'k'.repeat(256)}=${'v'.repeat(255)}`],
  ])('accepts tracestate: %s', (_name, tracestate) => {
    expect(tracestate.length).toBeLessThanOrEqual(512);
    expect(issuesOf({ traceparent: W3C_TRACEPARENT, tracestate })).toEqual([]);
  });

  it.each([
    ['an uppercase key', 'Rojo=1'],
    ['a key starting with "_"', '_a=1'],
    ['a key of 257 characters', `${'k'.repeat(257)}=v`],
    ['a system id of 15 characters', `t@${'s'.repeat(15)}=v`],
    ['a system id starting with a digit', 't@1s=v'],
    ['a value with "="', 'a=b=c'],
    ['a value ending in a space', 'a=b '],
    ['an empty value', 'a='],
    ['a value of 257 characters', `a=${'v'.repeat(257)}`],
    ['a non-ASCII value', 'a=é'],
    ['a member without "="', 'rojo'],
    ['an empty member', 'a=1,,b=2'],
    ['a leading comma', ',a=1'],
    ['the empty string', ''],
    ['33 members', members(33)],
    ['513 characters', `a=${'v'.repeat(254)},b=${'v'.repeat(254)}`],
  ])('refuses tracestate with %s, naming the field', (_name, tracestate) => {
    const issues = issuesOf({ traceparent: W3C_TRACEPARENT, tracestate });
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue).toMatch(/^tracestate: /);
  });

  it('names the length rule for a tracestate over 512 characters', () => {
    const tracestate = `a=${'v'.repeat(254)},b=${'v'.repeat(254)}`;
    expect(tracestate).toHaveLength(513);
    expect(issuesOf({ traceparent: W3C_TRACEPARENT, tracestate })).toContain(
      'tracestate: Too big: expected string to have <=512 characters',
    );
  });

  it('keeps both fields byte for byte through encoding and decoding', () => {
    const envelope = orderEvent('o-1', 1, {
      traceparent: W3C_TRACEPARENT,
      tracestate: 'rojo=1 ,\tcongo=t61rcWkgMzE',
    });
    const decoded = decodeEnvelopeBytes(encodeEnvelope(envelope));
    expect(decoded.traceparent).toBe(W3C_TRACEPARENT);
    expect(decoded.tracestate).toBe('rojo=1 ,\tcongo=t61rcWkgMzE');
    expect(decoded).toEqual(envelope);
  });

  it('agrees with the compiled check on every example above', () => {
    const values = [
      W3C_TRACEPARENT,
      `ff${W3C_TRACEPARENT.slice(2)}`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      W3C_TRACEPARENT.toUpperCase(),
    ];
    const states = [W3C_TRACESTATE, members(32), members(33), 'a=b ', 'a=1,,b=2', `${'k'.repeat(257)}=v`];
    for (const traceparent of values) {
      for (const tracestate of [undefined, ...states]) {
        const value = {
          ...orderEvent('o-1', 1),
          traceparent,
          ...(tracestate === undefined ? {} : { tracestate }),
        };
        expect(isValidEnvelope(value)).toBe(envelopeSchema.safeParse(value).success);
      }
    }
  });
});
