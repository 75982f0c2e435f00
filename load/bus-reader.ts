import { open } from 'node:fs/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type EventCounter, envelopeIn } from './event-counter.js';

/** Reads a bus rule's queue incrementally, counting this run's eventIds. */
export interface BusReader {
  poll(): Promise<void>;
}

/** The local bus's NDJSON queue file, read from the byte offset it had when the run began. */
export class FileQueueReader implements BusReader {
  #offset: number;

  constructor(
    private readonly path: string,
    startOffset: number,
    private readonly counter: EventCounter,
  ) {
    this.#offset = startOffset;
  }

  async poll(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size <= this.#offset) return;
      const buffer = Buffer.alloc(size - this.#offset);
      await handle.read(buffer, 0, buffer.length, this.#offset);
      // Only whole lines: a line still being appended is read on the next poll.
      const end = buffer.lastIndexOf(0x0a) + 1;
      let lineStart = 0;
      while (lineStart < end) {
        const lineEnd = buffer.indexOf(0x0a, lineStart);
        const line = buffer.subarray(lineStart, lineEnd).toString('utf8');
        if (line !== '') {
          try {
            const envelope = envelopeIn(JSON.parse(line));
            if (envelope !== undefined) this.counter.add(envelope);
          } catch (error) {
            // A torn or foreign line must not stop the reading of the lines after it: skipped and reported.
            this.counter.markUnreadable(`${this.path}:${this.#offset + lineStart}`, (error as Error).message);
          }
        }
        lineStart = lineEnd + 1;
      }
      this.#offset += end;
    } finally {
      await handle.close();
    }
  }
}

/** An SQS queue (deployed stack): receives and deletes messages until a receive comes back empty. */
export class SqsQueueReader implements BusReader {
  constructor(
    private readonly client: SQSClient,
    private readonly url: string,
    private readonly counter: EventCounter,
  ) {}

  async poll(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const output = await this.client.send(
        new ReceiveMessageCommand({ QueueUrl: this.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = output.Messages ?? [];
      if (messages.length === 0) return;
      for (const message of messages) {
        try {
          const envelope = envelopeIn(JSON.parse(message.Body ?? ''));
          if (envelope !== undefined) this.counter.add(envelope);
        } catch {
          // Not an EventBridge event: not ours.
        }
      }
      await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.url,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }
}
