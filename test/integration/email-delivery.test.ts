import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load-config.js';
import { createEmailQueue, enqueueEmail, type EmailJobData } from '../../server/jobs/queues.js';
import { createRedis, redisKeys } from '../../server/redis/connections.js';
import type { Queue } from 'bullmq';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { createTestDatabase, dropRedisPrefix, uniqueRedisPrefix, type TestDatabase } from '../helpers/database.js';
import { startMailbox, type Mailbox } from '../helpers/mailbox.js';

let mailbox: Mailbox;
let database: TestDatabase;
let worker: RunningWorker;
let queue: Queue<EmailJobData>;
const connection = createRedis({ REDIS_URL: 'redis://127.0.0.1:6379' }, 'commands');

const prefix = uniqueRedisPrefix();

beforeAll(async () => {
  mailbox = await startMailbox();

  database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_PREFIX: prefix,
    SMTP_URL: mailbox.url,
    MAIL_FROM: 'Fairport <portal@example.org>',
  });
  worker = await startWorker(config);
  queue = createEmailQueue(connection, redisKeys(prefix).bullmq);
});

afterAll(async () => {
  await queue?.close();
  await worker?.close();
  await connection.quit();
  await database?.drop();
  await dropRedisPrefix(prefix);
  await mailbox?.close();
});

async function waitForDeliveries(count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (mailbox.deliveries.length < count) {
    if (Date.now() > deadline) throw new Error(`Only ${mailbox.deliveries.length} of ${count} messages arrived`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('email job', () => {
  it('delivers a queued message through SMTP', async () => {
    await enqueueEmail(queue, {
      kind: 'test',
      to: 'ada@example.org',
      subject: 'Your import finished',
      text: 'The file lake.csv was loaded: 120 samples.',
    });
    await waitForDeliveries(1);
    const [delivery] = mailbox.deliveries;
    expect(delivery!.from).toBe('portal@example.org');
    expect(delivery!.to).toEqual(['ada@example.org']);
    expect(delivery!.mail.subject).toBe('Your import finished');
    expect(delivery!.mail.text?.trim()).toBe('The file lake.csv was loaded: 120 samples.');
  });

  it('retries a message the SMTP server refuses for now', async () => {
    mailbox.deferNext(1);
    await queue.add('test', { kind: 'test', to: 'bo@example.org', subject: 'Retry me', text: 'second try' }, {
      attempts: 3,
      backoff: { type: 'fixed', delay: 200 },
    });
    await waitForDeliveries(2);
    expect(mailbox.deferralsLeft()).toBe(0);
    expect(mailbox.deliveries[1]!.to).toEqual(['bo@example.org']);
    expect(mailbox.deliveries[1]!.mail.subject).toBe('Retry me');
  });
});
