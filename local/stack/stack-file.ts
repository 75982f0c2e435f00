import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonFile } from '../../processors/files/index.js';
import { DataDirError } from './errors.js';
import type { LocalResourceNames } from './stack-settings.js';

/** Format version of `<dataDir>/stack.json`; a different one is refused, never migrated silently. */
export const STACK_FILE_FORMAT = 'local-stack/1';

/** The file that marks a directory as a local stack's data directory. */
export const STACK_FILE = 'stack.json';

const stackFileSchema = z.object({
  format: z.literal(STACK_FILE_FORMAT),
  createdAt: z.string(),
  stack: z.string(),
  shards: z.int().min(1),
  names: z.object({
    stream: z.string().min(1),
    table: z.string().min(1),
    bucket: z.string().min(1),
    bus: z.string().min(1),
    firehose: z.string().min(1),
    functionName: z.string().min(1),
  }),
  ingestToken: z.string().min(16),
});

/** What `stack.json` records: the names and token a restart must reuse. */
export type StackFile = z.infer<typeof stackFileSchema>;

/**
 * Opens the data directory: reads `stack.json` when present (refusing a corrupt or other-version file), or
 * creates it in a new or empty directory with a fresh random ingest token. A non-empty directory without
 * `stack.json` is refused: it is not ours to write into.
 */
export async function openStackFile(
  dataDir: string,
  fresh: { readonly stack: string; readonly shards: number; readonly names: LocalResourceNames },
): Promise<{ file: StackFile; created: boolean }> {
  const path = join(dataDir, STACK_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new DataDirError(dataDir, 'is not a directory', { cause: error });
    if (code !== 'ENOENT') throw new DataDirError(dataDir, `cannot read ${STACK_FILE}`, { cause: error });
  }
  if (text !== undefined) return { file: parseStackFile(dataDir, text), created: false };
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new DataDirError(dataDir, 'cannot be listed', { cause: error });
  });
  if (entries.length > 0)
    throw new DataDirError(
      dataDir,
      `is not empty and has no ${STACK_FILE}, so it is not a local stack's data directory (or it is damaged)`,
    );
  const file: StackFile = {
    format: STACK_FILE_FORMAT,
    createdAt: new Date().toISOString(),
    stack: fresh.stack,
    shards: fresh.shards,
    names: { ...fresh.names },
    ingestToken: randomBytes(24).toString('base64url'),
  };
  await writeJsonFile(path, file);
  return { file, created: true };
}

/** Parses `stack.json` text, naming what is wrong with it (pure). */
export function parseStackFile(dataDir: string, text: string): StackFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataDirError(dataDir, `${STACK_FILE} is not JSON (corrupt)`, { cause: error });
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== STACK_FILE_FORMAT)
    throw new DataDirError(
      dataDir,
      `${STACK_FILE} has format ${JSON.stringify(format)}, this version reads "${STACK_FILE_FORMAT}" (incompatible version)`,
    );
  const parsed = stackFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new DataDirError(dataDir, `${STACK_FILE} is corrupt (${problems})`);
  }
  return parsed.data;
}

/** The file holding the pid of the process running a stack on this data directory. */
export const LOCK_FILE = 'stack.lock';

/** Whether a process with this pid runs (one we may not signal counts: it exists). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the data directory for this process (LevelDB would otherwise fail deep inside an emulator with an
 * unhandled error); a lock left by a dead process is taken over. Returns the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  // Bounded: a stale lock is removed at most once.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder))
      throw new DataDirError(dataDir, `is in use by another local stack (pid ${holder}); stop it first`);
    await rm(path, { force: true });
  }
  throw new DataDirError(dataDir, `could not take ${LOCK_FILE}`);
}
