/**
 * Progress on stderr: a bar with ETA when stderr is a terminal, plain lines otherwise (CI logs).
 */
export class Progress {
  readonly #total: number;
  readonly #label: string;
  readonly #start = performance.now();
  readonly #tty = Boolean(process.stderr.isTTY);
  #done = 0;

  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = total;
  }

  tick(detail = ''): void {
    this.#done++;
    const elapsed = (performance.now() - this.#start) / 1000;
    const eta = this.#done > 0 ? (elapsed / this.#done) * (this.#total - this.#done) : 0;
    if (this.#tty) {
      const width = 24;
      const filled = Math.round((width * this.#done) / this.#total);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      process.stderr.write(`\r${this.#label} ${bar} ${this.#done}/${this.#total} ETA ${eta.toFixed(0)}s ${detail}`.slice(0, 120).padEnd(80));
      if (this.#done === this.#total) process.stderr.write('\n');
    } else {
      process.stderr.write(`${this.#label} ${this.#done}/${this.#total} (${elapsed.toFixed(1)}s elapsed, ETA ${eta.toFixed(0)}s) ${detail}\n`);
    }
  }
}
