import { PNG } from 'pngjs';
import { BITMAP_FONT } from './bitmap-font.js';
import { PALETTE, cdLayout, chartLayout, type ChartOptions, type Series } from './charts.js';

const RGB = PALETTE.map((hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number]);

const GLYPHS = Buffer.from(BITMAP_FONT.bits, 'base64');

/** An RGB canvas with the few drawing operations the charts need. */
class Raster {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 4, 255);
  }

  pixel(x: number, y: number, [r, g, b]: readonly [number, number, number]): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const at = (yi * this.width + xi) * 4;
    this.data[at] = r;
    this.data[at + 1] = g;
    this.data[at + 2] = b;
    this.data[at + 3] = 255;
  }

  /** A line `thickness` pixels wide (steps of half a pixel along the longer axis). */
  line(x0: number, y0: number, x1: number, y1: number, color: readonly [number, number, number], thickness = 1): void {
    const steps = Math.max(1, Math.ceil(2 * Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = (thickness - 1) / 2;
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dx = -half; dx <= half; dx++) for (let dy = -half; dy <= half; dy++) this.pixel(x + dx, y + dy, color);
    }
  }

  /** A dashed line: `on` pixels drawn, `off` left out, along its length. */
  dashedLine(x0: number, y0: number, x1: number, y1: number, color: readonly [number, number, number], thickness = 1, on = 6, off = 4): void {
    const length = Math.hypot(x1 - x0, y1 - y0);
    for (let at = 0; at < length; at += on + off) {
      const end = Math.min(length, at + on);
      this.line(x0 + ((x1 - x0) * at) / length, y0 + ((y1 - y0) * at) / length, x0 + ((x1 - x0) * end) / length, y0 + ((y1 - y0) * end) / length, color, thickness);
    }
  }

  box(x: number, y: number, w: number, h: number, color: readonly [number, number, number]): void {
    for (let dy = 0; dy < h; dy++) for (let dx = 0; dx < w; dx++) this.pixel(x + dx, y + dy, color);
  }

  /** Text in the bitmap font; `anchor` as in SVG (x is the start, middle or end). Non-ASCII prints as '?'. */
  text(x: number, y: number, text: string, anchor: 'start' | 'middle' | 'end' = 'start', color: readonly [number, number, number] = [0, 0, 0]): void {
    const { width, height, first, last } = BITMAP_FONT;
    const span = text.length * width;
    let left = Math.round(anchor === 'start' ? x : anchor === 'middle' ? x - span / 2 : x - span);
    const top = Math.round(y - height + 3);
    for (const ch of text) {
      let code = ch.codePointAt(0)!;
      if (code < first || code > last) code = '?'.codePointAt(0)!;
      const base = (code - first) * width * height;
      for (let gy = 0; gy < height; gy++) {
        for (let gx = 0; gx < width; gx++) {
          const bit = base + gy * width + gx;
          if (GLYPHS[bit >> 3] & (0x80 >> (bit & 7))) this.pixel(left + gx, top + gy, color);
        }
      }
      left += width;
    }
  }

  png(): Uint8Array {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    return new Uint8Array(PNG.sync.write(png));
  }
}

/**
 * The PNG twin of `lineChart` (same layout and colours, 640 × 400): for reports read where SVG is
 * not shown. Text in a bitmap font; the y-axis label sits above the axis.
 */
export function lineChartPng(series: readonly Series[], { title, xLabel, yLabel, logX = false, scatter = false }: ChartOptions): Uint8Array {
  const { width, height, margin, px, py, drawable, yTicks, xTicks } = chartLayout(series, logX);
  const raster = new Raster(width, height);
  const black = [0, 0, 0] as const;
  raster.text(width / 2, 20, title, 'middle');
  raster.line(margin.left, height - margin.bottom, width - margin.right, height - margin.bottom, black);
  raster.line(margin.left, margin.top, margin.left, height - margin.bottom, black);
  raster.text((margin.left + width - margin.right) / 2, height - 12, xLabel, 'middle');
  raster.text(margin.left - 50, margin.top - 8, yLabel, 'start');
  for (const tick of yTicks) {
    raster.text(margin.left - 6, tick.at + 4, tick.label, 'end');
    raster.line(margin.left - 3, tick.at, margin.left, tick.at, black);
  }
  for (const tick of xTicks) {
    raster.text(tick.at, height - margin.bottom + 16, tick.label, 'middle');
    raster.line(tick.at, height - margin.bottom, tick.at, height - margin.bottom + 3, black);
  }
  series.forEach((s, i) => {
    const color = RGB[i % RGB.length];
    const points = s.points.filter(drawable).map(([x, y]) => [px(x), py(y)] as const);
    const draw = s.dashed ? raster.dashedLine.bind(raster) : raster.line.bind(raster);
    if (!scatter) for (let p = 1; p < points.length; p++) draw(points[p - 1][0], points[p - 1][1], points[p][0], points[p][1], color, 2);
    for (const [x, y] of points) raster.box(x - 2, y - 2, 5, 5, color);
    raster.box(width - margin.right + 10, margin.top + i * 18, 10, 10, color);
    raster.text(width - margin.right + 26, margin.top + i * 18 + 9, s.name);
  });
  return raster.png();
}

/** The PNG twin of `cdDiagram`: the same layout, text in the bitmap font. */
export function cdDiagramPng(names: readonly string[], ranks: readonly number[], cliques: readonly (readonly number[])[], title?: string): Uint8Array {
  const layout = cdLayout(names, ranks, cliques, title);
  const raster = new Raster(Math.ceil(layout.width), Math.ceil(layout.height));
  const black = [0, 0, 0] as const;
  raster.text(layout.width / 2, 20, layout.title, 'middle');
  for (const l of layout.lines) raster.line(l.x1, l.y1, l.x2, l.y2, black, l.thickness);
  for (const t of layout.texts) raster.text(t.x, t.y, t.text, t.anchor);
  return raster.png();
}
