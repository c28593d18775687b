import { describe, expect, it } from 'vitest';
import { uploadExpiryIntervalMs } from '../../server/jobs/maintenance-queue.js';
import { expiryMessage } from '../../server/uploads/upload-expiry.js';

describe('upload expiry schedule', () => {
  it('sweeps hourly, or at a quarter of a shorter expiry', () => {
    expect(uploadExpiryIntervalMs(24)).toBe(3_600_000);
    expect(uploadExpiryIntervalMs(4)).toBe(3_600_000);
    expect(uploadExpiryIntervalMs(2)).toBe(1_800_000);
  });

  it('sweeps at most once a minute', () => {
    expect(uploadExpiryIntervalMs(0.01)).toBe(60_000);
  });

  it('names the expiry in the message', () => {
    expect(expiryMessage(1)).toContain('no bytes arrived for 1 hour,');
    expect(expiryMessage(0.5)).toContain('no bytes arrived for 0.5 hours,');
  });
});
