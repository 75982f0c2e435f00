import * as crypto from 'node:crypto';

/**
 * SHA-256 of a string as lowercase hex. The one-shot `crypto.hash` (Node 20.12+) is about twice as fast as a Hash
 * object for the short inputs the engine hashes twice per event it applies (the chain link and the window key).
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');
