/** Inputs of {@link firehoseObjectKey}. */
export interface ObjectKeyInput {
  /** Prefix before the time folders, e.g. `events/`. */
  readonly prefix: string;
  readonly deliveryStreamName: string;
  /** Starts at 1, +1 per configuration change. */
  readonly deliveryStreamVersion: number;
  /** The time the key is built from (UTC). */
  readonly timestamp: Date;
  /** Random part, a UUID. */
  readonly id: string;
  /** @default '.gz' */
  readonly extension?: string;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * Firehose's default S3 key: `<prefix>YYYY/MM/DD/HH/<name>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid><ext>`, UTC.
 * @example firehoseObjectKey({ prefix: 'events/', deliveryStreamName: 'archive', deliveryStreamVersion: 1,
 *   timestamp: new Date('2026-01-02T03:04:05Z'), id: 'u' })
 * // 'events/2026/01/02/03/archive-1-2026-01-02-03-04-05-u.gz'
 */
export function firehoseObjectKey(input: ObjectKeyInput): string {
  const t = input.timestamp;
  const [year, month, day, hour, minute, second] = [
    pad(t.getUTCFullYear(), 4),
    pad(t.getUTCMonth() + 1),
    pad(t.getUTCDate()),
    pad(t.getUTCHours()),
    pad(t.getUTCMinutes()),
    pad(t.getUTCSeconds()),
  ];
  const folder = `${input.prefix}${year}/${month}/${day}/${hour}/`;
  const suffix = `${input.deliveryStreamName}-${input.deliveryStreamVersion}-${year}-${month}-${day}-${hour}-${minute}-${second}-${input.id}`;
  return `${folder}${suffix}${input.extension ?? '.gz'}`;
}

/**
 * The time a key of {@link firehoseObjectKey} was built from (second precision, UTC), read back from its file name;
 * undefined for a key of another shape.
 * @example firehoseObjectKeyTime('events/2026/01/02/03/archive-1-2026-01-02-03-04-05-u.gz') // 2026-01-02T03:04:05Z
 */
export function firehoseObjectKeyTime(key: string): Date | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const match = /-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[^-][^/]*$/.exec(name);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const time = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  return Number.isNaN(time) ? undefined : new Date(time);
}
