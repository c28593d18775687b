import WebSocket from 'ws';

/**
 * A bare Socket.IO connection that sends payloads as raw JSON text, for payloads nested too deep
 * for the Socket.IO client's encoder.
 */
export interface RawSocket {
  /** Sends an event with a payload given as JSON text and resolves with its acknowledgement. */
  emit(event: string, payloadJson: string): Promise<unknown>;
  readonly open: boolean;
  close(): void;
}

/** Opens a websocket to a server's default namespace with a session cookie, as a browser would. */
export function openRawSocket(url: string, cookie: string): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { cookie, origin: url } });
  const waiting = new Map<number, (ack: unknown) => void>();
  let nextId = 1;
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === '2') ws.send('3');
      else if (text.startsWith('0')) ws.send('40');
      else if (text.startsWith('40')) {
        resolve({
          emit(event, payloadJson) {
            const id = nextId++;
            ws.send(`42${id}[${JSON.stringify(event)},${payloadJson}]`);
            return new Promise((done, fail) => {
              const timer = setTimeout(() => fail(new Error(`timed out after 10 s waiting for the acknowledgement of ${event}`)), 10_000);
              waiting.set(id, (ack) => {
                clearTimeout(timer);
                done(ack);
              });
            });
          },
          get open() {
            return ws.readyState === WebSocket.OPEN;
          },
          close: () => ws.close(),
        });
      } else if (text.startsWith('43')) {
        const match = /^43(\d+)(.*)$/s.exec(text);
        if (match) waiting.get(Number(match[1]))?.((JSON.parse(match[2]!) as unknown[])[0]);
      }
    });
  });
}
