import { sha256Hex } from './sha256-hex.js';

/**
 * Bytes of an eventId's key in the conflict-detection window: the first 6 bytes of its SHA-256. Two different
 * eventIds share a key with probability 2^-48 (about 3.6e-15) per comparison; 6 bytes keep a 64-sequence window at
 * 384 bytes, so a snapshot with a small state fits one write unit (docs/design.md §3, "Conflict-detection window").
 */
export const RECENT_KEY_BYTES = 6;

/** The window entry of a skipped sequence (stored as 6 zero bytes). */
export const SKIPPED_KEY = '';

const ZERO_KEY = '0'.repeat(RECENT_KEY_BYTES * 2);
const NON_ZERO_KEY = `${'0'.repeat(RECENT_KEY_BYTES * 2 - 1)}1`;

/** The window key of an eventId: its truncated SHA-256 as 12 hex digits, never all zeros (which marks a skip). */
export function recentKey(eventId: string): string {
  const key = sha256Hex(eventId).slice(0, RECENT_KEY_BYTES * 2);
  // All-zero bytes mean "skipped" in the stored window: the one hash that would read as a skip is moved aside.
  return key === ZERO_KEY ? NON_ZERO_KEY : key;
}
