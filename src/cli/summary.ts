/**
 * The table printed when every file has finished: one row per file, then totals. Pure.
 */
import { formatBytes, formatDuration, mebibytesPerSecond } from './format.js';
import type { FileOutcome } from './outcome.js';

const HEADERS = ['file', 'size', 'fileId', 'url', 'how', 'MB/s', 'time'] as const;
/** Columns aligned to the right (numbers). */
const RIGHT = new Set([1, 5, 6]);

function row(outcome: FileOutcome): string[] {
  const { file, result, status, ms } = outcome;
  const time = formatDuration(ms / 1000);
  if (!result) return [file.display, formatBytes(file.size), '–', '–', status, '–', time];
  return [file.display, formatBytes(file.size), result.fileId, result.url, result.kind, mebibytesPerSecond(result.size, ms).toFixed(1), time];
}

/** Aligns cells into columns two spaces apart. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The summary: the table, then one line with counts and totals. */
export function renderSummary(outcomes: readonly FileOutcome[], wallMs: number): string {
  const table = renderTable(HEADERS, outcomes.map(row), RIGHT);
  const count = (status: FileOutcome['status']): number => outcomes.filter((outcome) => outcome.status === status).length;
  const done = outcomes.filter((outcome) => outcome.result);
  const bytes = done.reduce((sum, outcome) => sum + outcome.file.size, 0);
  const kinds = (['new', 'resumed', 'instant'] as const)
    .map((kind) => [kind, done.filter((outcome) => outcome.result?.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  const parts = [`${done.length} of ${outcomes.length} uploaded${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`];
  if (count('failed') > 0) parts.push(`${count('failed')} failed`);
  if (count('interrupted') > 0) parts.push(`${count('interrupted')} interrupted`);
  parts.push(`${formatBytes(bytes)} in ${formatDuration(wallMs / 1000)}`);
  return `${table}\n\n${parts.join(', ')}`;
}
