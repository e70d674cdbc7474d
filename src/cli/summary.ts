/**
 * The table printed when every file has finished: one row per file, then totals. It fits the
 * terminal: names are shortened and columns dropped until it does (URLs then get a table of
 * their own, never cut: they are meant to be copied); `--json` keeps the full record. Pure.
 */
import { cellWidth, fitLeft, formatBytes, formatDuration, mebibytesPerSecond, padCells } from './format.js';
import type { FileOutcome } from './outcome.js';

type Column = 'file' | 'size' | 'fileId' | 'url' | 'how' | 'MB/s' | 'time';

const ORDER: readonly Column[] = ['file', 'size', 'how', 'MB/s', 'time', 'fileId', 'url'];
/** Dropped first to last when the table is too wide (url moves to its own table). */
const DROP_ORDER: readonly Column[] = ['url', 'time', 'MB/s', 'size'];
const RIGHT: ReadonlySet<Column> = new Set(['size', 'MB/s', 'time']);
/** A name is never cut below this. */
const MIN_FILE = 12;
const GAP = 2;

function cells(outcome: FileOutcome): Record<Column, string> {
  const { file, result, status, ms } = outcome;
  const time = formatDuration(ms / 1000);
  if (!result)
    return {
      file: file.display,
      size: formatBytes(file.size),
      fileId: '–',
      url: '–',
      how: status,
      'MB/s': '–',
      time: ms === 0 ? '–' : time,
    };
  // An instant upload sent no byte: a speed would be meaningless.
  const speed = result.instant ? '–' : mebibytesPerSecond(result.size, ms).toFixed(1);
  return {
    file: file.display,
    size: formatBytes(file.size),
    fileId: result.fileId,
    url: result.url,
    how: result.kind,
    'MB/s': speed,
    time,
  };
}

/** Aligns cells into columns two spaces apart; widths in terminal cells (a CJK name stays aligned). */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = headers.map((header, column) => Math.max(cellWidth(header), ...rows.map((row) => cellWidth(row[column] ?? ''))));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => padCells(cell, widths[column] ?? 0, right.has(column) ? 'right' : 'left'))
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(headers), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n');
}

function tableWidth(columns: readonly Column[], rows: readonly Record<Column, string>[]): number {
  return (
    columns.reduce((sum, column) => sum + Math.max(cellWidth(column), ...rows.map((row) => cellWidth(row[column]))), 0) +
    GAP * (columns.length - 1)
  );
}

/** Picks the columns and the name width that fit in `width` cells. */
function fit(rows: readonly Record<Column, string>[], width: number, order: readonly Column[]): { columns: Column[]; fileWidth: number } {
  let columns = [...order];
  const widest = Math.max(cellWidth('file'), ...rows.map((row) => cellWidth(row.file)));
  for (const drop of [undefined, ...DROP_ORDER]) {
    if (drop) columns = columns.filter((column) => column !== drop);
    const others =
      tableWidth(
        columns.filter((column) => column !== 'file'),
        rows,
      ) + GAP;
    const fileWidth = Math.min(widest, width - others);
    if (fileWidth >= Math.min(widest, MIN_FILE)) return { columns, fileWidth };
  }
  return { columns, fileWidth: MIN_FILE };
}

/** The summary for a terminal `width` cells wide: the table, then one line with counts and totals. */
export function renderSummary(outcomes: readonly FileOutcome[], wallMs: number, width = 80): string {
  const limit = Math.max(40, width - 1);
  const rows = outcomes.map(cells);
  const anyResult = outcomes.some((outcome) => outcome.result);
  // Without a single upload, fileId and url would be columns of dashes.
  // biome-ignore lint/suspicious/noFocusedTests: `fit` here is this module's column fitter, not a focused test.
  const { columns, fileWidth } = fit(rows, limit, anyResult ? ORDER : ORDER.filter((column) => column !== 'fileId' && column !== 'url'));
  const shown = rows.map((row) => ({ ...row, file: fitLeft(row.file, fileWidth).trimEnd() }));
  const blocks = [
    renderTable(
      columns,
      shown.map((row) => columns.map((column) => row[column])),
      new Set(columns.flatMap((column, i) => (RIGHT.has(column) ? [i] : []))),
    ),
  ];

  const withUrl = outcomes.flatMap((outcome, i) => (outcome.result ? [rows[i]!] : []));
  if (!columns.includes('url') && withUrl.length > 0) {
    const urlWidth = Math.max(...withUrl.map((row) => cellWidth(row.url)));
    const nameWidth = Math.max(8, Math.min(fileWidth, limit - urlWidth - GAP));
    blocks.push(
      renderTable(
        ['file', 'url'],
        withUrl.map((row) => [fitLeft(row.file, nameWidth).trimEnd(), row.url]),
      ),
    );
  }
  blocks.push(totals(outcomes, wallMs));
  return blocks.join('\n\n');
}

function totals(outcomes: readonly FileOutcome[], wallMs: number): string {
  const count = (status: FileOutcome['status']): number => outcomes.filter((outcome) => outcome.status === status).length;
  const done = outcomes.filter((outcome) => outcome.result);
  const bytes = done.reduce((sum, outcome) => sum + outcome.file.size, 0);
  const kinds = (['new', 'resumed', 'instant'] as const)
    .map((kind) => [kind, done.filter((outcome) => outcome.result?.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  const parts = [`${done.length} of ${outcomes.length} uploaded${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`];
  for (const status of ['failed', 'interrupted', 'skipped'] as const) if (count(status) > 0) parts.push(`${count(status)} ${status}`);
  parts.push(`${formatBytes(bytes)} in ${formatDuration(wallMs / 1000)}`);
  return parts.join(', ');
}
