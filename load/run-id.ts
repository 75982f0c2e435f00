import { randomBytes } from 'node:crypto';

/** A sortable run id: `20261123T110000Z-a1b2` (UTC time plus 4 random hex digits). */
export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
