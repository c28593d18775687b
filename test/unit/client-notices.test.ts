import { describe, expect, it } from 'vitest';
import type { LiveNotice } from '../../common/api/notices.js';
import { formatCountdown, maintenanceCountdown } from '../../client/src/notices/countdown.js';
import { applyDismissal, applyRemoval, applySnapshot, applyUpsert, EMPTY_NOTICE_STATE, visibleNotices } from '../../client/src/notices/notice-state.js';

const NOW = Date.parse('2027-03-01T12:00:00Z');

function notice(overrides: Partial<LiveNotice> = {}): LiveNotice {
  return {
    id: 'a',
    level: 'info',
    title: 'Title',
    html: '<p>Body</p>',
    startsAt: '2027-03-01T11:00:00Z',
    endsAt: null,
    dismissible: true,
    readOnly: false,
    readOnlyFrom: null,
    version: 1,
    ...overrides,
  };
}

describe('notice state', () => {
  it('keeps the copy with the highest version', () => {
    let state = applyUpsert(EMPTY_NOTICE_STATE, notice({ version: 2, title: 'New' }));
    state = applyUpsert(state, notice({ version: 1, title: 'Old' }));
    expect(visibleNotices(state, NOW).map((shown) => shown.title)).toEqual(['New']);
  });

  it('does not bring back a removed notice from an older snapshot', () => {
    let state = applyRemoval(EMPTY_NOTICE_STATE, { id: 'a', version: 3 });
    state = applySnapshot(state, { notices: [notice({ version: 3 })], dismissedIds: [] });
    expect(visibleNotices(state, NOW)).toEqual([]);
    state = applyUpsert(state, notice({ version: 4 }));
    expect(visibleNotices(state, NOW).map((shown) => shown.version)).toEqual([4]);
  });

  it('hides dismissed notices unless they became undismissible', () => {
    let state = applySnapshot(EMPTY_NOTICE_STATE, { notices: [notice()], dismissedIds: ['a'] });
    expect(visibleNotices(state, NOW)).toEqual([]);
    state = applyUpsert(state, notice({ version: 2 }));
    expect(visibleNotices(state, NOW)).toEqual([]);
    state = applyUpsert(state, notice({ version: 3, dismissible: false }));
    expect(visibleNotices(state, NOW).map((shown) => shown.id)).toEqual(['a']);
    expect(visibleNotices(applyDismissal(applyUpsert(EMPTY_NOTICE_STATE, notice({ id: 'b' })), 'b'), NOW)).toEqual([]);
  });

  it('shows notices in their window, most severe first', () => {
    let state = EMPTY_NOTICE_STATE;
    state = applyUpsert(state, notice({ id: 'info' }));
    state = applyUpsert(state, notice({ id: 'critical', level: 'critical' }));
    state = applyUpsert(state, notice({ id: 'ended', endsAt: '2027-03-01T11:59:59Z' }));
    state = applyUpsert(state, notice({ id: 'later', startsAt: '2027-03-01T12:00:01Z' }));
    state = applyUpsert(state, notice({ id: 'maintenance', level: 'maintenance', dismissible: false }));
    expect(visibleNotices(state, NOW).map((shown) => shown.id)).toEqual(['maintenance', 'critical', 'info']);
  });
});

describe('countdowns', () => {
  it('formats remaining times', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5000)).toBe('0:00');
    expect(formatCountdown(4 * 60_000 + 8_200)).toBe('4:09');
    expect(formatCountdown(65 * 60_000)).toBe('1 h 05 min');
    expect(formatCountdown(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
  });

  it('counts down to the read-only window, then to the end', () => {
    const maintenance = notice({
      level: 'maintenance',
      readOnly: true,
      readOnlyFrom: '2027-03-01T12:10:00Z',
      endsAt: '2027-03-01T13:00:00Z',
    });
    expect(maintenanceCountdown(maintenance, NOW)).toEqual({ phase: 'before', label: 'Read-only in', remaining: '10:00' });
    expect(maintenanceCountdown(maintenance, Date.parse('2027-03-01T12:30:00Z'))).toEqual({ phase: 'read-only', label: 'Read-only for', remaining: '30:00' });
    expect(maintenanceCountdown({ ...maintenance, endsAt: null }, Date.parse('2027-03-01T12:30:00Z'))).toEqual({
      phase: 'read-only',
      label: 'Read-only until further notice',
      remaining: null,
    });
    expect(maintenanceCountdown(notice({ level: 'maintenance', endsAt: '2027-03-01T12:01:00Z' }), NOW)).toEqual({ phase: 'running', label: 'Maintenance ends in', remaining: '1:00' });
    expect(maintenanceCountdown(notice(), NOW)).toBeNull();
  });
});
