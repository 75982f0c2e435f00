import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repairQueueTail } from '../bus/ndjson-queue.js';

/** Folders of the data directory that hold NDJSON queues: the bus's queues and DLQs, the Pipe's DLQ, on-failure files. */
export const QUEUE_FOLDERS = ['bus', 'pipes', 'lambda'] as const;

/**
 * Repairs the last line of every NDJSON queue file a crash may have cut (see repairQueueTail): a message that lost
 * only its newline is kept, a torn line moved aside. Each repair is told in one line.
 */
export async function checkQueueFiles(dataDir: string, onRepair: (message: string) => void): Promise<void> {
  for (const folder of QUEUE_FOLDERS) {
    for (const file of await ndjsonFiles(join(dataDir, folder))) {
      const repair = await repairQueueTail(file);
      if (repair !== undefined) onRepair(repair.message);
    }
  }
}

async function ndjsonFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ndjson'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
