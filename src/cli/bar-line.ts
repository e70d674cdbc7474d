/**
 * The text of one live progress line (the TTY reporter redraws it). Pure, so it is tested as is.
 */
import type { MeterView } from './file-meter.js';
import { fitLeft, formatBytes, formatDuration, formatRate } from './format.js';

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
}

/** `clip.mp4  ██████░░░░ uploading  45%  1.4 MB/3.0 MB  12.0 MB/s  ETA 2s` */
export function renderBarLine(label: string, view: MeterView, options: BarLineOptions): string {
  const percent = `${Math.floor(view.fraction * 100)}%`.padStart(4);
  const bytes = `${formatBytes(view.value)}/${formatBytes(view.total)}`.padEnd(19);
  const speed = formatRate(view.speed).padStart(11);
  const eta = view.phase === 'done' ? '' : `ETA ${formatDuration(view.eta)}`;
  return `${fitLeft(label, options.labelWidth)} ${renderBar(view.fraction, options.barWidth)} ${PHASE_LABEL[view.phase].padEnd(9)} ${percent}  ${bytes} ${speed}  ${eta}`.trimEnd();
}

/** Column widths for a terminal of `columns` characters. */
export function layoutFor(columns: number | undefined): BarLineOptions {
  const width = columns && columns > 40 ? columns : 100;
  // The fixed part (phase, percent, bytes, speed, ETA) takes about 60 characters.
  const labelWidth = Math.max(12, Math.min(32, Math.floor(width * 0.25)));
  const barWidth = Math.max(8, Math.min(30, width - labelWidth - 62));
  return { labelWidth, barWidth };
}
