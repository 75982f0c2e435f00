import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JsonFileError } from './errors.js';

/** Options of {@link writeJsonFile}. */
export interface WriteJsonFileOptions {
  /** Spaces of indentation; 0 writes the value on one line. @default 2 */
  readonly indent?: number;
  /**
   * Flush the new content (and the rename) to disk before resolving, so it survives a power loss and not only a
   * crash of this process. Costs a disk flush per write. @default false
   */
  readonly fsync?: boolean;
  /** Create the parent directory first. @default true */
  readonly createDirectory?: boolean;
  /**
   * Permission bits of the file, e.g. `0o600` for a secret: the temporary file has them before any byte is written,
   * so the content is never readable by others, not even for a moment. @default 0o666 less the umask
   */
  readonly mode?: number;
}

// Unique per write within the process: two writes of one file in flight never share a temporary file.
let temporaryCounter = 0;

/**
 * Writes `value` as JSON (and a final newline) atomically: to a temporary file beside `file`, then renamed over it,
 * so a reader or a crash sees the old or the new content, never half of one (rename(2) replaces the target
 * atomically within a file system).
 * @example await writeJsonFile('.local/checkpoints/firehose.json', body, { fsync: true });
 */
export async function writeJsonFile(
  file: string,
  value: unknown,
  options: WriteJsonFileOptions = {},
): Promise<void> {
  const indent = options.indent ?? 2;
  const text = `${indent > 0 ? JSON.stringify(value, null, indent) : JSON.stringify(value)}\n`;
  if (options.createDirectory ?? true) await mkdir(dirname(file), { recursive: true });
  temporaryCounter += 1;
  const temporary = `${file}.${process.pid}.${temporaryCounter}.tmp`;
  try {
    if (options.mode !== undefined) await rm(temporary, { force: true });
    // With a mode, the temporary file must be new ('wx'): a file left by another writer could carry wider bits.
    const handle = await open(temporary, options.mode === undefined ? 'w' : 'wx', options.mode ?? 0o666);
    try {
      // The umask cannot widen the mode, but it could narrow it; chmod makes it exact.
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.writeFile(text, 'utf8');
      if (options.fsync === true) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  if (options.fsync === true) await syncDirectory(dirname(file));
}

/**
 * Reads and parses a JSON file: `undefined` when it does not exist, a {@link JsonFileError} naming the file when
 * it is not JSON; other I/O errors (permissions, a directory) are rethrown as they are.
 */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new JsonFileError(file, 'is not JSON', { cause });
  }
}

// The rename is durable only once the directory entry is; some platforms cannot open a directory, then it is skipped.
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Best effort: the file's own content is already flushed.
  } finally {
    await handle?.close();
  }
}
