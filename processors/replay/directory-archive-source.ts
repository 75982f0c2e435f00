import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { ArchiveObject, ArchiveSource } from './archive-source.js';

/** The archive as files under a directory, keys being paths relative to it (a bucket synced to disk, benchmarks). */
export class DirectoryArchiveSource implements ArchiveSource {
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `dir://${root}`;
  }

  async *list(prefix: string): AsyncIterable<ArchiveObject> {
    // Only the folder part of the prefix is walked; the rest filters file names.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const keys: string[] = [];
    await this.#walk(join(this.root, folder), keys);
    keys.sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const info = await stat(join(this.root, key));
      yield { key, size: info.size };
    }
  }

  async open(key: string): Promise<Readable> {
    return createReadStream(join(this.root, key));
  }

  async #walk(directory: string, keys: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await this.#walk(path, keys);
      else if (entry.isFile()) keys.push(relative(this.root, path).split(sep).join('/'));
    }
  }
}
