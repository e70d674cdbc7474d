/**
 * The text of one live progress line (the TTY reporter redraws it). Pure, so it is tested as is.
 * Every line fits the terminal (measured in cells), so the terminal never wraps a bar.
 */
import type { MeterView } from './file-meter.js';
import { fitLeft, formatBytes, formatDuration, formatRate, padCells } from './format.js';

const PHASE_LABEL: Record<MeterView['phase'], string> = {
  waiting: 'waiting',
  hashing: 'hashing',
  uploading: 'uploading',
  finishing: 'finishing',
  done: 'done',
};

/** `███████░░░░` for `fraction` of `width` cells. */
export function renderBar(fraction: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(full) + '░'.repeat(Math.max(0, width - full));
}

export interface BarLineOptions {
  /** Width of the name column. */
  labelWidth: number;
  /** Width of the bar. */
  barWidth: number;
  /** Whether the `1.4 MB/3.0 MB` column is shown (wide terminals only). */
  showBytes: boolean;
}

/** Cells of a line besides label and bar: phase+percent (14), speed (10), `ETA 12m05s` (10), gaps. */
const FIXED_CELLS = 1 + 14 + 1 + 10 + 2 + 10;
/** `1023 MB/1023 MB` and its gap. */
const BYTES_CELLS = 17;

/** The columns after the bar, shared by file lines and the overall line. */
function tail(status: string, value: number, total: number, speed: number, eta: string, options: BarLineOptions): string {
  const bytes = options.showBytes ? `  ${padCells(`${formatBytes(value)}/${formatBytes(total)}`, 15)}` : '';
  return `${padCells(status, 14)}${bytes} ${padCells(formatRate(speed), 10, 'right')}  ${eta}`;
}

/** `clip.mp4  ██████░░░░ uploading  45%  12.0 MB/s  ETA 2s` (bytes too when wide enough). */
export function renderBarLine(label: string, view: MeterView, options: BarLineOptions): string {
  const status = `${PHASE_LABEL[view.phase].padEnd(9)} ${`${Math.floor(view.fraction * 100)}%`.padStart(4)}`;
  const eta = view.phase === 'done' ? '' : `ETA ${formatDuration(view.eta)}`;
  return `${fitLeft(label, options.labelWidth)} ${renderBar(view.fraction, options.barWidth)} ${tail(status, view.value, view.total, view.speed, eta, options)}`.trimEnd();
}

/**
 * The overall line: `all 1/3 files  ████░░░░ 12 parts  33%  8.1 MB/s  ETA 4s`; `overall` (0–1),
 * when given, sets the bar and percent (the files' overallPercent), else bytes do; `parts`, when
 * given, is how many parts may be in flight now (what `--concurrency auto` has reached).
 */
export function renderOverallLine(
  label: string,
  value: number,
  total: number,
  rate: number,
  eta: number | undefined,
  options: BarLineOptions,
  overall?: number,
  parts?: number,
): string {
  const fraction = overall !== undefined ? Math.min(1, Math.max(0, overall)) : total > 0 ? Math.min(1, value / total) : 1;
  const inFlight = parts ? `${Math.min(99, parts)} parts ` : '';
  const status = `${inFlight}${`${Math.floor(fraction * 100)}%`.padStart(4)}`.padStart(14);
  return `${fitLeft(label, options.labelWidth)} ${renderBar(fraction, options.barWidth)} ${tail(status, value, total, rate, `ETA ${formatDuration(eta)}`, options)}`.trimEnd();
}

/**
 * Column widths for a terminal of `columns` cells (100 when unknown). Lines stay one cell short
 * of the edge: writing the last cell makes some terminals wrap.
 */
export function layoutFor(columns: number | undefined): BarLineOptions {
  const width = (columns && columns >= 40 ? columns : 100) - 1;
  const showBytes = width - FIXED_CELLS - BYTES_CELLS >= 50;
  const room = width - FIXED_CELLS - (showBytes ? BYTES_CELLS : 0) - 1;
  const labelWidth = Math.max(8, Math.min(32, Math.floor(room * 0.6)));
  const barWidth = Math.max(4, Math.min(30, room - labelWidth));
  return { labelWidth, barWidth, showBytes };
}
