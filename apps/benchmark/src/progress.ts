/**
 * Progress on stderr: a bar with ETA when stderr is a terminal, plain lines otherwise (CI logs,
 * at most one every two seconds plus the last).
 */
export class Progress {
  readonly #total: number;
  readonly #label: string;
  readonly #unit: string;
  readonly #start: number;
  readonly #tty = Boolean(process.stderr.isTTY);
  #done = 0;
  #lastLine = 0;

  /** `startedAt`: a `performance.now()` time when the work began, if before this call. */
  constructor(label: string, total: number, unit = '', startedAt = performance.now()) {
    this.#start = startedAt;
    this.#label = label;
    this.#total = total;
    this.#unit = unit;
  }

  /** One more item done. */
  tick(detail = ''): void {
    this.update(this.#done + 1, detail);
  }

  /** `done` items done so far. */
  update(done: number, detail = ''): void {
    this.#done = done;
    const now = performance.now();
    const elapsed = (now - this.#start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (this.#total - done) / rate : 0;
    const finished = done >= this.#total;
    const counts = `${done}/${this.#total}${this.#unit ? ` ${this.#unit}` : ''}`;
    if (this.#tty) {
      const width = 24;
      const filled = Math.round((width * Math.min(done, this.#total)) / Math.max(this.#total, 1));
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      process.stderr.write(`\r${this.#label} ${bar} ${counts} ${rate.toFixed(1)}/s ETA ${eta.toFixed(0)}s ${detail}`.slice(0, 120).padEnd(90));
      if (finished) process.stderr.write('\n');
    } else if (finished || now - this.#lastLine > 2000) {
      this.#lastLine = now;
      process.stderr.write(`${this.#label} ${counts} (${elapsed.toFixed(1)}s elapsed, ${rate.toFixed(1)}/s, ETA ${eta.toFixed(0)}s) ${detail}\n`);
    }
  }
}
