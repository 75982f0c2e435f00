/** One broken rule: where in the envelope, and what rule. */
export interface EnvelopeIssue {
  /** Dotted field path, e.g. `data.items.0.quantity`; empty for the whole record. */
  readonly path: string;
  /** The rule broken, in words. */
  readonly message: string;
}

/** Why a record could not be decoded into an envelope. */
export const PoisonReason = {
  BadBase64: 'bad-base64',
  NotUtf8: 'not-utf8',
  NotJson: 'not-json',
  Oversize: 'oversize',
  SchemaViolation: 'schema-violation',
  UnknownAggregateType: 'unknown-aggregate-type',
  UnknownEventType: 'unknown-event-type',
  DataSchemaViolation: 'data-schema-violation',
} as const;
export type PoisonReason = (typeof PoisonReason)[keyof typeof PoisonReason];

/** Base class of every envelope decoding failure. */
export class EnvelopeError extends Error {
  override readonly name: string = 'EnvelopeError';
  constructor(
    readonly reason: PoisonReason,
    readonly issues: readonly EnvelopeIssue[],
    options?: ErrorOptions,
  ) {
    super(`${reason}: ${issues.map(formatIssue).join('; ')}`, options);
  }
}

/** Formats an issue as `path: message` (or just the message for the whole record). */
export function formatIssue(issue: EnvelopeIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
