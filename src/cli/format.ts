/**
 * Human-readable numbers and terminal-width text for the CLI: sizes, rates and durations (from
 * util/units.ts, which the playground shares), and padding or cutting measured in terminal cells
 * (a CJK character takes two). Pure functions.
 */
import stringWidth from 'string-width';

export { ageText, formatBytes, formatDuration, formatRate } from '../util/units.js';

/** MiB per second of `bytes` moved in `ms`, rounded to 0.1; 0 when no time passed. */
export function mebibytesPerSecond(bytes: number, ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.round((bytes / 1048576 / (ms / 1000)) * 10) / 10;
}

/** Terminal cells `text` takes (CJK and emoji count 2, combining marks 0). */
export function cellWidth(text: string): number {
  return stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Pads `text` with spaces to `width` cells, on the right (default) or the left. */
export function padCells(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - cellWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/**
 * Cuts `text` to at most `width` cells, keeping the end (file names differ at the end) behind a
 * `…`, and pads it to exactly `width` cells. Whole characters only: a wide one never splits.
 */
export function fitLeft(text: string, width: number): string {
  if (cellWidth(text) <= width) return padCells(text, width);
  if (width <= 0) return '';
  const kept: string[] = [];
  let used = 1; // the ellipsis
  const pieces = Array.from(graphemes.segment(text), (piece) => piece.segment);
  for (let i = pieces.length - 1; i >= 0; i -= 1) {
    const cells = cellWidth(pieces[i]!);
    if (used + cells > width) break;
    kept.unshift(pieces[i]!);
    used += cells;
  }
  return padCells(`…${kept.join('')}`, width);
}

/** Cuts `text` to at most `width` cells, keeping the start and ending with `…` when cut. */
export function fitRight(text: string, width: number): string {
  if (cellWidth(text) <= width) return text;
  if (width <= 0) return '';
  let used = 1;
  let kept = '';
  for (const { segment } of graphemes.segment(text)) {
    const cells = cellWidth(segment);
    if (used + cells > width) break;
    kept += segment;
    used += cells;
  }
  return `${kept}…`;
}

/**
 * Breaks `text` into rows of at most `width` cells (at spaces when it can), continuation rows
 * indented by `indent` spaces. Lines above live bars must not wrap by themselves: the bars
 * library counts one row per line, and a wrapped row would be drawn over.
 */
export function wrapCells(text: string, width: number, indent = 4): string[] {
  const rows: string[] = [];
  let rest = text;
  let room = Math.max(10, width);
  while (cellWidth(rest) > room) {
    let cut = 0;
    let used = 0;
    let lastSpace = -1;
    for (const { segment, index } of graphemes.segment(rest)) {
      const cells = cellWidth(segment);
      if (used + cells > room) break;
      used += cells;
      cut = index + segment.length;
      if (segment === ' ') lastSpace = index;
    }
    // Break at the last space unless that leaves a very short row.
    const at = lastSpace > room / 2 ? lastSpace : cut;
    rows.push(rest.slice(0, at).trimEnd());
    rest = ' '.repeat(indent) + rest.slice(at).trimStart();
    room = Math.max(10, width);
  }
  rows.push(rest);
  return rows;
}
