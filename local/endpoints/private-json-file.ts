import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Permission bits of a file only its owner may read or write. */
export const PRIVATE_FILE_MODE = 0o600;

// Unique per write within the process: two writes of one file in flight never share a temporary file.
let temporaryCounter = 0;

/**
 * Writes `value` as indented JSON to a file only its owner can read (0600), atomically: the temporary file is
 * created 0600 before any byte is written, then renamed over `file`, so the secret is never readable by others,
 * not even for a moment, and a crash leaves the old or the new content.
 */
export async function writePrivateJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  temporaryCounter += 1;
  const temporary = `${file}.${process.pid}.${temporaryCounter}.tmp`;
  try {
    const handle = await open(temporary, 'wx', PRIVATE_FILE_MODE);
    try {
      // The umask cannot widen 0600, but a pre-set ACL or odd umask could narrow it; chmod makes it exact.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
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
