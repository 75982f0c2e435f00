import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * An append-only queue of JSON messages, one per line, in a file that survives restarts. Used for the
 * bus's per-rule queues and DLQs and for the Pipe's DLQ: a stand-in for an SQS queue that anyone can
 * inspect with `cat`.
 *
 * @example
 * const queue = await NdjsonQueue.open<{ id: string }>('.local/bus/orders.ndjson');
 * await queue.append([{ id: '1' }]);
 * await queue.count(); // 1
 */
export class NdjsonQueue<T> {
  // Appends run one after another so concurrent callers never interleave partial lines.
  #tail: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  /** Opens (creating the folder) a queue file, dropping a torn last line left by a crash. */
  static async open<T>(file: string): Promise<NdjsonQueue<T>> {
    await mkdir(dirname(file), { recursive: true });
    await repairTornTail(file);
    return new NdjsonQueue<T>(file);
  }

  /** Appends messages, in order, as one write after every earlier append. */
  append(messages: readonly T[]): Promise<void> {
    if (messages.length === 0) return this.#tail;
    const text = messages.map((message) => `${JSON.stringify(message)}\n`).join('');
    const write = this.#tail.then(() => appendFile(this.file, text, 'utf8'));
    this.#tail = write.catch(() => undefined);
    return write;
  }

  /** Every message in the queue, oldest first. */
  async read(): Promise<T[]> {
    await this.#tail;
    return (await this.#lines()).map((line) => JSON.parse(line) as T);
  }

  /** Number of messages in the queue. */
  async count(): Promise<number> {
    await this.#tail;
    return (await this.#lines()).length;
  }

  async #lines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    // The last element is '' after a final newline, or a line still being written: skip it either way.
    lines.pop();
    return lines.filter((line) => line !== '');
  }
}

async function repairTornTail(file: string): Promise<void> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text.length === 0 || text[text.length - 1] === 0x0a) return;
  const keep = text.lastIndexOf(0x0a) + 1;
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(keep);
  } finally {
    await handle.close();
  }
}
