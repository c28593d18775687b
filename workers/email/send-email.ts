import type { Transporter } from 'nodemailer';
import type { EmailJobData } from '../../server/jobs/queues.js';
import { moduleLogger } from '../../server/observability/logger.js';

const log = moduleLogger('email');

export interface EmailOutcome {
  delivered: boolean;
  messageId: string | null;
}

/**
 * Sends one queued message through SMTP. A refusal or a network error throws, so BullMQ retries
 * the job with backoff. Without SMTP_URL the message is dropped and only its recipient and subject
 * are logged, because bodies may carry sign-in links that must not reach logs.
 */
export async function sendEmail(transport: Transporter | null, from: string, message: EmailJobData): Promise<EmailOutcome> {
  if (transport === null) {
    log.warn({ to: message.to, subject: message.subject, kind: message.kind }, 'SMTP_URL is not set; email not sent');
    return { delivered: false, messageId: null };
  }

  const info = await transport.sendMail({
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
  });
  log.info({ to: message.to, kind: message.kind, messageId: info.messageId }, 'email sent');
  return { delivered: true, messageId: info.messageId };
}
