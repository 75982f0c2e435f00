import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { makeFilePrivate, writePrivateJsonFile } from '../endpoints/private-json-file.js';
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
 * `stack.json` is refused: it is not ours to write into. It holds the ingest token, so an existing one that others
 * may read (written by an older version) is made 0600 and `onRepair` told.
 */
export async function openStackFile(
  dataDir: string,
  fresh: { readonly stack: string; readonly shards: number; readonly names: LocalResourceNames },
  onRepair: (message: string) => void = () => {},
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
  if (text !== undefined) {
    const file = parseStackFile(dataDir, text);
    if (await makeFilePrivate(path))
      onRepair(`made ${path} readable by its owner only (0600): it holds the ingest token`);
    return { file, created: false };
  }
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
  // It holds the ingest token: owner-only (0600) from its first byte.
  await writePrivateJsonFile(path, file);
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

/** The file holding the pid (and start time) of the process running a stack on this data directory. */
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
 * When the process with this pid started, as an opaque token (Linux: field 22 of `/proc/<pid>/stat`, clock ticks
 * since boot; see proc_pid_stat(5)); undefined where that is not available. Two processes that share a pid at
 * different times have different tokens, which is how a reused pid is told from the lock's holder.
 */
export async function processStartToken(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const token = fields[19];
  return token !== undefined && /^\d+$/.test(token) ? token : undefined;
}

/** What `stack.lock` records. */
export interface LockRecord {
  readonly pid: number;
  /** {@link processStartToken} of the pid when it took the lock; absent in locks of older versions. */
  readonly startToken?: string | undefined;
}

/** Reads `stack.lock` text: `<pid>` or `<pid> <start token>` (pure); undefined when it holds no pid. */
export function parseLockRecord(text: string): LockRecord | undefined {
  const [pidText, startToken] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return startToken !== undefined && /^\d+$/.test(startToken) ? { pid, startToken } : { pid };
}

/** Whether a lock is held by a running process, or stale and why (pure). */
export function judgeLock(
  record: LockRecord | undefined,
  holder: { readonly ownPid: number; readonly alive: boolean; readonly startToken: string | undefined },
): { readonly held: true } | { readonly held: false; readonly reason: string } {
  if (record === undefined) return { held: false, reason: 'it holds no pid' };
  if (record.pid === holder.ownPid) return { held: false, reason: `its pid ${record.pid} is this process` };
  if (!holder.alive) return { held: false, reason: `no process has its pid ${record.pid}` };
  if (
    record.startToken !== undefined &&
    holder.startToken !== undefined &&
    record.startToken !== holder.startToken
  )
    return {
      held: false,
      reason: `its pid ${record.pid} now belongs to another process (started later than the lock's holder)`,
    };
  return { held: true };
}

/**
 * Claims the data directory for this process (LevelDB would otherwise fail deep inside an emulator with an
 * unhandled error). A lock left by a dead process, or whose pid was reused by another program (told by the
 * process start time recorded beside the pid), is taken over and `onStale` told why. Returns the release function.
 */
export async function lockDataDir(
  dataDir: string,
  onStale: (message: string) => void = () => {},
): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  const ownToken = await processStartToken(process.pid);
  // Bounded: a stale lock is removed at most once.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, `${process.pid}${ownToken === undefined ? '' : ` ${ownToken}`}\n`, {
        flag: 'wx',
      });
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const record = parseLockRecord(await readFile(path, 'utf8').catch(() => ''));
    const verdict = judgeLock(record, {
      ownPid: process.pid,
      alive: record !== undefined && isProcessAlive(record.pid),
      startToken: record === undefined ? undefined : await processStartToken(record.pid),
    });
    if (verdict.held)
      throw new DataDirError(
        dataDir,
        `is in use by another local stack (pid ${record?.pid}) holding lock file ${path}; stop it first. If no local stack runs on this directory (its pid may have been reused by another program), remove ${path} and start again`,
      );
    onStale(`took over the stale lock ${path}: ${verdict.reason}`);
    await rm(path, { force: true });
  }
  throw new DataDirError(dataDir, `could not take ${path}`);
}
