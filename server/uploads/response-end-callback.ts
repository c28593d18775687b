import type { ServerResponse } from 'node:http';

type End = (...args: unknown[]) => ServerResponse;

/**
 * Makes `res.end(callback)` work behind express-session. Node.js accepts a callback as the first,
 * second or third argument of `end`, but express-session's replacement of `res.end` (with
 * `rolling: true` it saves the session as the response ends) treats the first argument as data,
 * and a function there throws. The tus server ends its DELETE responses that way. The callback
 * now runs when the response finishes, and `end` gets only its data.
 */
export function acceptEndCallback(res: ServerResponse): void {
  const end = res.end.bind(res) as End;
  const withCallback: End = (...args) => {
    const index = args.findIndex((arg) => typeof arg === 'function');
    if (index < 0) return end(...args);
    res.once('finish', args[index] as () => void);
    return end(...args.slice(0, index));
  };
  res.end = withCallback as ServerResponse['end'];
}
