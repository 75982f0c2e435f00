/** What an archive object's key says about it. */
export interface ArchiveKeyInfo {
  /** The hour folder's start (UTC), from `…/YYYY/MM/DD/HH/`. */
  readonly hour: Date;
  /** The delivery time in the file name (`…-YYYY-MM-DD-HH-MM-SS-…`), when the name has one. */
  readonly deliveredAt: Date | undefined;
}

const HOUR_FOLDER = /(?:^|\/)(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/;
const NAME_TIME = /-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-/;

/**
 * Parses an archive key tolerantly: the hour folder is required; the time inside Firehose's file name is optional
 * (real Firehose names vary with dynamic partitioning and versions, so nothing else is assumed).
 * @example parseArchiveKey('events/2026/01/02/03/archive-1-2026-01-02-03-04-05-u.gz')?.hour // 2026-01-02T03:00Z
 */
export function parseArchiveKey(key: string): ArchiveKeyInfo | undefined {
  const folder = HOUR_FOLDER.exec(key);
  if (folder === null) return undefined;
  const [, y, mo, d, h] = folder.map(Number) as [number, number, number, number, number];
  const hour = new Date(Date.UTC(y, mo - 1, d, h));
  if (Number.isNaN(hour.getTime()) || hour.getUTCHours() !== h) return undefined;
  const name = key.slice(key.lastIndexOf('/') + 1);
  const time = NAME_TIME.exec(name);
  let deliveredAt: Date | undefined;
  if (time !== null) {
    const [, ty, tmo, td, th, tmi, ts] = time.map(Number) as number[];
    const at = new Date(Date.UTC(ty as number, (tmo as number) - 1, td, th, tmi, ts));
    if (!Number.isNaN(at.getTime())) deliveredAt = at;
  }
  return { hour, deliveredAt };
}
