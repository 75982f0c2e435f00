import { appendFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
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

  /**
   * Opens (creating the folder) a queue file. A last line that lost only its newline is kept (the newline is
   * added); a torn one (not JSON) is moved to a file beside the queue, and `onRepair` told, never silently dropped.
   */
  static async open<T>(
    file: string,
    options: { readonly onRepair?: (repair: QueueTailRepair) => void } = {},
  ): Promise<NdjsonQueue<T>> {
    await mkdir(dirname(file), { recursive: true });
    const repair = await repairQueueTail(file);
    if (repair !== undefined) options.onRepair?.(repair);
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

/** What {@link repairQueueTail} did to a queue file's last line. */
export type QueueTailRepair =
  | { readonly kind: 'completed'; readonly file: string; readonly message: string }
  | {
      readonly kind: 'moved-aside';
      readonly file: string;
      readonly movedTo: string;
      readonly message: string;
    };

/**
 * Repairs the last line of an NDJSON file left without its newline by a crash: a complete JSON value gets its
 * newline (it is a message that was written whole); anything else is a torn write, moved to
 * `<file>.torn-<time>` and cut off, so the next append starts a clean line. Undefined when the file is fine or absent.
 */
export async function repairQueueTail(
  file: string,
  now: () => Date = () => new Date(),
): Promise<QueueTailRepair | undefined> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (text.length === 0 || text[text.length - 1] === 0x0a) return undefined;
  const keep = text.lastIndexOf(0x0a) + 1;
  const tail = text.subarray(keep);
  if (isJsonLine(tail)) {
    await appendFile(file, '\n', 'utf8');
    return {
      kind: 'completed',
      file,
      message: `${file}: its last message had lost only its newline; the newline was added, the message kept`,
    };
  }
  const movedTo = `${file}.torn-${now().toISOString().replace(/[:.]/g, '-')}`;
  await writeFile(movedTo, tail);
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(keep);
  } finally {
    await handle.close();
  }
  return {
    kind: 'moved-aside',
    file,
    movedTo,
    message: `${file}: its last line was torn (${tail.length} bytes, not JSON: a write cut short); moved to ${movedTo}`,
  };
}

// Messages are JSON objects: a cut-short object never parses (its closing brace is its last byte), whereas a cut
// number or string might.
function isJsonLine(bytes: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}
