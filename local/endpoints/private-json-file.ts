import { chmod, stat } from 'node:fs/promises';
import { writeJsonFile } from '../../processors/files/index.js';

/** Permission bits of a file only its owner may read or write. */
export const PRIVATE_FILE_MODE = 0o600;

/** Writes `value` as indented JSON to a file only its owner can read (0600), atomically (temp file + rename). */
export async function writePrivateJsonFile(file: string, value: unknown): Promise<void> {
  await writeJsonFile(file, value, { mode: PRIVATE_FILE_MODE });
}

/**
 * Makes an existing file private (0600) if group or others may access it; returns whether it changed anything.
 * A missing file is left missing.
 */
export async function makeFilePrivate(file: string): Promise<boolean> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if ((mode & 0o077) === 0) return false;
  await chmod(file, PRIVATE_FILE_MODE);
  return true;
}
