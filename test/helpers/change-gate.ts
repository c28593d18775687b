import type { BrowserContext, WebSocketRoute } from 'playwright-core';

/** Socket.IO's text frame of a `dataset:change` event in the default namespace. */
const CHANGE_FRAME_PREFIX = '42["dataset:change"';
/** Socket.IO's text frame of a `dataset:edit` request in the default namespace: event, ack id, name. */
const EDIT_FRAME_PATTERN = /^42\d*\["dataset:edit"/;

/**
 * Holds back the `dataset:change` broadcasts a browser context receives, so its view goes stale
 * while its socket stays connected: acknowledgements, presence and pings still pass. Released
 * frames arrive in their original order. Set it up before the context opens a page.
 */
export class ChangeGate {
  private holding = false;
  private holdingEdits = false;
  private readonly held: { page: WebSocketRoute; frame: string | Buffer }[] = [];
  private readonly heldEdits: { server: WebSocketRoute; frame: string }[] = [];
  private upgraded = false;

  private constructor() {}

  static async install(context: BrowserContext): Promise<ChangeGate> {
    const gate = new ChangeGate();
    await context.routeWebSocket(/\/socket\.io\//, (page) => gate.route(page));
    return gate;
  }

  /** Whether the Socket.IO client moved to the websocket, so every later event passes the gate. */
  get isWebSocket(): boolean {
    return this.upgraded;
  }

  /** Number of change frames held back now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Number of the page's edit requests held back now. */
  get heldEditCount(): number {
    return this.heldEdits.length;
  }

  /**
   * Starts holding change frames. With `edits`, the page's edit requests are held too, so the
   * server has not seen the page's own edits while the page shows them as unconfirmed.
   */
  hold(options: { edits?: boolean } = {}): void {
    this.holding = true;
    this.holdingEdits = options.edits ?? false;
  }

  /** Delivers the held frames and lets later ones through. */
  release(): void {
    this.holding = false;
    this.holdingEdits = false;
    for (const { server, frame } of this.heldEdits.splice(0)) server.send(frame);
    for (const { page, frame } of this.held.splice(0)) page.send(frame);
  }

  private route(page: WebSocketRoute): void {
    const server = page.connectToServer();
    page.onMessage((frame) => {
      // Engine.IO's upgrade packet: from here on the client sends and receives on this socket.
      if (frame === '5') this.upgraded = true;
      if (this.holdingEdits && typeof frame === 'string' && EDIT_FRAME_PATTERN.test(frame)) this.heldEdits.push({ server, frame });
      else server.send(frame);
    });
    server.onMessage((frame) => {
      if (this.holding && typeof frame === 'string' && frame.startsWith(CHANGE_FRAME_PREFIX)) this.held.push({ page, frame });
      else page.send(frame);
    });
  }
}
