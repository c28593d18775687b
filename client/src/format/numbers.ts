import { formatCount } from '../../../common/counts.js';

export { formatCount, plural } from '../../../common/counts.js';

const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Formats a size in bytes with binary (IEC) units: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${formatCount(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${oneDecimal.format(value)} ${BYTE_UNITS[unit]}`;
}
