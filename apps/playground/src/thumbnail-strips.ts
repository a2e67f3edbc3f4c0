/**
 * Each class's row of example thumbnails, kept across the page's redraws and filled a few images
 * per task: a hundred `<img>` elements made at once (each data URL parsed and decoded on the page's
 * thread) was the page's longest task while imprinting 100 images with the CPU slowed 4×.
 */
export class ThumbnailStrips {
  readonly #strips = new Map<string, { element: HTMLDivElement; thumbnails: readonly string[]; shown: number }>();
  readonly #perTask: number;
  #scheduled = false;

  /** @param perTask images added per task (each task stays short on a slow device) */
  constructor(perTask = 10) {
    this.#perTask = perTask;
  }

  /** The strip of class `name`, showing `thumbnails` (the class's own array: later additions show too). */
  strip(name: string, thumbnails: readonly string[]): HTMLDivElement {
    let strip = this.#strips.get(name);
    if (strip === undefined) {
      const element = document.createElement('div');
      element.className = 'thumbs';
      strip = { element, thumbnails, shown: 0 };
      this.#strips.set(name, strip);
    }
    if (strip.thumbnails !== thumbnails || thumbnails.length < strip.shown) {
      // a new class of the same name, or examples taken away: start the strip over
      strip.element.replaceChildren();
      strip.thumbnails = thumbnails;
      strip.shown = 0;
    }
    this.#schedule();
    return strip.element;
  }

  /** Forget the strips of classes not in `names`. */
  keepOnly(names: Iterable<string>): void {
    const kept = new Set(names);
    for (const name of this.#strips.keys()) if (!kept.has(name)) this.#strips.delete(name);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => this.#fill(), 0);
  }

  #fill(): void {
    this.#scheduled = false;
    let budget = this.#perTask;
    for (const strip of this.#strips.values()) {
      while (budget > 0 && strip.shown < strip.thumbnails.length) {
        const source = strip.thumbnails[strip.shown++]!;
        if (source === '') continue;
        const image = document.createElement('img');
        image.alt = '';
        image.decoding = 'async';
        image.src = source;
        strip.element.append(image);
        budget--;
      }
    }
    if ([...this.#strips.values()].some((s) => s.shown < s.thumbnails.length)) this.#schedule();
  }
}
