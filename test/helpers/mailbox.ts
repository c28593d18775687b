import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server accepted, with its envelope. */
export interface Delivery {
  from: string;
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server on loopback that keeps every message it accepts, for tests of outgoing mail. */
export interface Mailbox {
  /** The `SMTP_URL` that delivers to this server. */
  readonly url: string;
  /** Accepted messages in arrival order. */
  readonly deliveries: Delivery[];
  /** Defers the next `count` messages with a 451 reply, as a greylisting server would. */
  deferNext(count: number): void;
  /** Returns how many deferrals are still to come. */
  deferralsLeft(): number;
  close(): Promise<void>;
}

/** Starts an SMTP server on a free loopback port without authentication or TLS. */
export async function startMailbox(): Promise<Mailbox> {
  const deliveries: Delivery[] = [];
  let deferrals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      if (deferrals > 0) {
        deferrals -= 1;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Greylisted, try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then((mail) => {
        deliveries.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          mail,
        });
        callback();
      }, callback);
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    deliveries,
    deferNext(count) {
      deferrals = count;
    },
    deferralsLeft: () => deferrals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
