/**
 * How numbers, sizes, times and run states read in the panel.
 */

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '–';
  }
  return value.toLocaleString('en-US');
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '–';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return unit === 0
    ? `${size} B`
    : `${size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return '';
  }
  if (seconds < 1) {
    return `${Math.round(seconds * 1000)} ms`;
  }
  if (seconds < 60) {
    return `${seconds.toFixed(1)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${Math.round(seconds % 60)} s`;
  }
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date. */
export function formatAgo(
  iso: string | null | undefined,
  now: number = Date.now()
): string {
  if (!iso) {
    return '';
  }
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return iso;
  }
  const seconds = Math.max(0, (now - then) / 1000);
  if (seconds < 45) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.round(seconds / 3600)} h ago`;
  }
  if (seconds < 86400 * 14) {
    return `${Math.round(seconds / 86400)} days ago`;
  }
  return new Date(then).toISOString().slice(0, 10);
}

export type Tone = 'success' | 'error' | 'warn' | 'info' | 'neutral';

/** The colour of a run state (Glue's job run states) or a data-quality score. */
export function stateTone(state: string): Tone {
  switch (state.toUpperCase()) {
    case 'SUCCEEDED':
      return 'success';
    case 'FAILED':
    case 'ERROR':
    case 'TIMEOUT':
      return 'error';
    case 'STOPPED':
    case 'STOPPING':
      return 'warn';
    case 'RUNNING':
    case 'STARTING':
      return 'info';
    default:
      return 'neutral';
  }
}

export function scoreTone(score: number): Tone {
  if (score >= 0.999) {
    return 'success';
  }
  return score >= 0.8 ? 'warn' : 'error';
}

const FRACTIONAL = /^(float|double|decimal|real)/;

/**
 * A preview cell as text: null stays distinguishable from the string "null", and a double
 * that happens to be whole keeps its ".0" (JSON has no float type).
 */
export function formatCell(value: unknown, type?: string): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    type &&
    FRACTIONAL.test(type)
  ) {
    return value.toFixed(1);
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}
