import type { LiveNotice } from '../../../common/api/notices.js';

/** Formats a remaining time: "2 d 3 h", "1 h 05 min", "4:09" (minutes and seconds), or "0:00". */
export function formatCountdown(milliseconds: number): string {
  const totalSeconds = Math.max(0, Math.ceil(milliseconds / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;

  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** Text of a maintenance notice's countdown at one moment. */
export type MaintenanceCountdown =
  | { phase: 'before'; label: string; remaining: string }
  | { phase: 'read-only'; label: string; remaining: string | null }
  | { phase: 'running'; label: string; remaining: string | null };

/**
 * Computes the countdown of a maintenance notice: to the start of the read-only window while it
 * is ahead, then to the notice's end. Returns null for other levels. Uses the browser's clock.
 */
export function maintenanceCountdown(notice: LiveNotice, now: number): MaintenanceCountdown | null {
  if (notice.level !== 'maintenance') return null;
  const end = notice.endsAt === null ? null : formatCountdown(Date.parse(notice.endsAt) - now);

  if (notice.readOnly && notice.readOnlyFrom !== null) {
    const from = Date.parse(notice.readOnlyFrom);
    if (now < from) return { phase: 'before', label: 'Read-only in', remaining: formatCountdown(from - now) };
    return { phase: 'read-only', label: end === null ? 'Read-only until further notice' : 'Read-only for', remaining: end };
  }
  return { phase: 'running', label: end === null ? 'Maintenance until further notice' : 'Maintenance ends in', remaining: end };
}
