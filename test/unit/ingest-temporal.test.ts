import { describe, expect, it } from 'vitest';
import { canonicalUtcMs, formatDate, isCanonicalUtc, parseBasicIsoDigits, parseBasicIsoNumber, parseEpochMs, parseEpochSeconds, parseIsoTime } from '../../workers/ingest/temporal.js';

describe('parseIsoTime', () => {
  it('reads dates at midnight UTC with day precision', () => {
    expect(parseIsoTime('2024-02-29')).toEqual({ epochMs: Date.UTC(2024, 1, 29), hasTime: false, precision: 'day' });
  });

  it('reads times without an offset as UTC', () => {
    expect(parseIsoTime('2024-05-01 12:30')).toEqual({ epochMs: Date.UTC(2024, 4, 1, 12, 30), hasTime: true, precision: 'minute' });
  });

  it('applies offsets and keeps milliseconds', () => {
    expect(parseIsoTime('2024-05-01T12:30:15.250+02:00')?.epochMs).toBe(Date.UTC(2024, 4, 1, 10, 30, 15, 250));
    expect(parseIsoTime('2024-05-01T12:30:15-0330')?.epochMs).toBe(Date.UTC(2024, 4, 1, 16, 0, 15));
    expect(parseIsoTime('2024-05-01T12:30:15Z')?.precision).toBe('second');
  });

  it('keeps years before 100 as written', () => {
    expect(new Date(parseIsoTime('0050-01-01')!.epochMs).getUTCFullYear()).toBe(50);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-04-31', '2024-01-01T24:00', '01/02/2024', '2024-1-1', 'hello world'])('rejects %j', (text) => {
    expect(parseIsoTime(text)).toBeNull();
  });
});

describe('isCanonicalUtc', () => {
  it('accepts what toISOString writes', () => {
    expect(isCanonicalUtc('2020-02-29T23:59:59.999Z')).toBe(true);
    expect(isCanonicalUtc(new Date(0).toISOString())).toBe(true);
  });

  it.each(['2021-02-29T00:00:00.000Z', '2020-01-01T00:00:00Z', '2020-01-01T25:00:00.000Z', '2020-01-01 00:00:00.000Z', '2020-01-01T00:00:00.000+'])(
    'rejects %j',
    (text) => {
      expect(isCanonicalUtc(text)).toBe(false);
    },
  );
});

describe('parseEpochMs', () => {
  it('accepts plausible epoch milliseconds only', () => {
    expect(parseEpochMs(1517966773840)).toEqual({ epochMs: 1517966773840, hasTime: true, precision: 'millisecond' });
    expect(parseEpochMs(1517966773)).toBeNull();
    expect(parseEpochMs(1.5e12 + 0.5)).toBeNull();
  });
});

describe('parseEpochSeconds', () => {
  it('accepts whole epoch seconds in the plausible range only', () => {
    expect(parseEpochSeconds(1517966773)).toEqual({ epochMs: 1517966773000, hasTime: true, precision: 'second' });
    expect(parseEpochSeconds(1e8)).toEqual({ epochMs: 1e11, hasTime: true, precision: 'second' });
    expect(parseEpochSeconds(99_999_999)).toBeNull();
    expect(parseEpochSeconds(1e11)).toBeNull();
    expect(parseEpochSeconds(1517966773.5)).toBeNull();
  });
});

describe('parseBasicIsoDigits', () => {
  it('reads basic dates and UTC date-times in the years 1800 to 2199', () => {
    expect(parseBasicIsoDigits('20240229')).toEqual({ epochMs: Date.UTC(2024, 1, 29), hasTime: false, precision: 'day' });
    expect(parseBasicIsoDigits('202405011230')).toEqual({ epochMs: Date.UTC(2024, 4, 1, 12, 30), hasTime: true, precision: 'minute' });
    expect(parseBasicIsoDigits('20240501123059')).toEqual({ epochMs: Date.UTC(2024, 4, 1, 12, 30, 59), hasTime: true, precision: 'second' });
    expect(parseBasicIsoDigits('18000101')?.epochMs).toBe(Date.UTC(1800, 0, 1));
  });

  it('rejects unreal dates, other lengths and years outside the range', () => {
    for (const digits of ['20230229', '20231301', '20230600', '202306012460', '2023060112', '17991231', '22000101', '2023-06-01', '020230601']) {
      expect(parseBasicIsoDigits(digits), digits).toBeNull();
    }
    expect(parseBasicIsoNumber(20230601)?.epochMs).toBe(Date.UTC(2023, 5, 1));
    expect(parseBasicIsoNumber(20230601.5)).toBeNull();
  });
});

describe('formatDate', () => {
  it('matches Date from year 0 to 9999', () => {
    const day = 86_400_000;
    const check = (time: number) => {
      const expected = new Date(time).toISOString().slice(0, 10);
      // The first and the last millisecond of the day.
      if (formatDate(time) !== expected || formatDate(time + day - 1) !== expected) expect.fail(`${time}: ${formatDate(time)} instead of ${expected}`);
    };
    // Every day from 1900 to 2100, and every 97th day, which meets every day of the month and the year, from 0 to 9999.
    for (let time = Date.UTC(1900, 0, 1); time <= Date.UTC(2100, 11, 31); time += day) check(time);
    for (let time = new Date('0000-01-01T00:00:00Z').getTime(); time <= new Date('9999-12-31T00:00:00Z').getTime(); time += 97 * day) check(time);
    check(new Date('9999-12-31T00:00:00Z').getTime());
  });

  it.each([
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), '2024-02-29'],
    [Date.UTC(1969, 11, 31, 12), '1969-12-31'],
    [new Date('0000-03-01T00:00:00Z').getTime(), '0000-03-01'],
  ])('formats %d as %s', (time, expected) => {
    expect(formatDate(time)).toBe(expected);
  });
});

describe('canonicalUtcMs', () => {
  it('matches Date.parse, years 0 to 99 too', () => {
    const texts = ['2024-02-29T23:59:58.123Z', '1969-07-20T20:17:40.000Z', '9999-12-31T23:59:59.999Z', '0100-01-01T00:00:00.000Z', '0099-03-01T00:00:00.000Z', '0001-01-01T00:00:00.001Z'];
    for (const text of texts) expect(canonicalUtcMs(text)).toBe(Date.parse(text));
  });

  it('reads no other text', () => {
    expect(canonicalUtcMs('2024-02-30T00:00:00.000Z')).toBeNull();
    expect(canonicalUtcMs('2024-02-29T23:59:58Z')).toBeNull();
    expect(canonicalUtcMs('2024-02-29 23:59:58.123Z')).toBeNull();
  });
});
