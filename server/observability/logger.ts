import { pino, type Logger } from 'pino';
import { envSchema } from '../config/env.js';

export type { Logger } from 'pino';

// The level is read here rather than from the loaded config because modules create their child
// loggers at import time, before the entry point has loaded the config. Both read LOG_LEVEL with
// the same schema, so they agree.
const level = envSchema.shape.LOG_LEVEL.safeParse(process.env.LOG_LEVEL || undefined);

// Human-readable lines for a developer's terminal; pino-pretty is a development dependency, so
// production always logs JSON.
const pretty = process.env.LOG_FORMAT === 'pretty' && process.env.NODE_ENV !== 'production';

const root: Logger = pino({
  level: level.success ? level.data : 'info',
  ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  base: { pid: process.pid },
  redact: {
    paths: [
      'password',
      '*.password',
      'token',
      '*.token',
      'passwordHash',
      '*.passwordHash',
      'req.headers.cookie',
      'req.headers.authorization',
      'res.headers["set-cookie"]',
    ],
    censor: '[redacted]',
  },
});

/** Returns a child logger that tags every line with the module's name. */
export function moduleLogger(module: string): Logger {
  return root.child({ module });
}
