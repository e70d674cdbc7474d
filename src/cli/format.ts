/**
 * Human-readable numbers for the CLI: sizes, rates and durations. Pure functions.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

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

/** Cuts `text` to `width` characters, keeping the end (file names differ at the end). */
export function fitLeft(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  if (width <= 1) return text.slice(-width);
  return `…${text.slice(text.length - width + 1)}`;
}
