/** `[#####-----]  50%` (pure). */
export function formatBar(fraction: number, width = 24): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(clamped * 100)).padStart(3)}%`;
}

/** A one-line progress display: rewritten in place on a TTY, silent elsewhere (logs stay readable). */
export class ProgressLine {
  constructor(private readonly stream: NodeJS.WriteStream | undefined = process.stderr) {}

  /** Replaces the line. */
  update(text: string): void {
    if (this.stream?.isTTY) this.stream.write(`\r\x1b[K${text}`);
  }

  /** Ends the line, leaving `text` (if any) printed. */
  done(text?: string): void {
    if (this.stream === undefined) return;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K${text === undefined ? '' : `${text}\n`}`);
    else if (text !== undefined) this.stream.write(`${text}\n`);
  }
}
