/**
 * Human-readable numbers and terminal-width text for the CLI: sizes, rates, durations, and
 * padding or cutting measured in terminal cells (a CJK character takes two). Pure functions.
 */
import stringWidth from 'string-width';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** `just now`, `12 min ago`, `5 h ago`, `3 days ago`. */
export function ageText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.floor(hours / 24)} days ago`;
}

/** `1536` → `1.5 KB` (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** Bytes per second → `12.3 MB/s`; unknown (0 or not finite) → `–`. */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '–';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds → `42s`, `3m05s`, `1h02m`; unknown → `–`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

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
