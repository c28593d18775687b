import { openAsBlob } from 'node:fs';
import path from 'node:path';

/** A small HTTP client for the portal's API that keeps the session cookie. */
export class ApiClient {
  private cookie = '';

  constructor(private readonly baseUrl: string) {}

  /** The session cookie, for Socket.IO connections made in the same session. */
  get sessionCookie(): string {
    return this.cookie;
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.request('POST', '/auth/sign-in', { email, password });
  }

  async request<T = Record<string, unknown>>(method: string, apiPath: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api/v1${apiPath}`, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return this.parse<T>(response, `${method} ${apiPath}`);
  }

  /** Uploads a file as multipart/form-data, streaming it from disk. */
  async upload<T = Record<string, unknown>>(apiPath: string, file: string, contentType = 'text/csv'): Promise<T> {
    const form = new FormData();
    form.append('file', await openAsBlob(file, { type: contentType }), path.basename(file));
    const response = await fetch(`${this.baseUrl}/api/v1${apiPath}`, {
      method: 'POST',
      headers: this.cookie ? { cookie: this.cookie } : {},
      body: form,
    });
    return this.parse<T>(response, `POST ${apiPath}`);
  }

  /**
   * Polls an import every `intervalMs` until it reaches one of `states`, failing when it ends in
   * another state or after `timeoutMs`.
   */
  async waitForState<T extends { state: string; error?: string | null }>(importId: string, states: readonly string[], timeoutMs = 30 * 60_000, intervalMs = 100): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await this.request<T>('GET', `/imports/${importId}`);
      if (states.includes(record.state)) return record;
      if (['completed', 'failed', 'cancelled'].includes(record.state)) throw new Error(`Import ${importId} ended ${record.state}: ${record.error ?? ''}`);
      if (Date.now() > deadline) throw new Error(`Import ${importId} did not reach ${states.join(' or ')} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  private async parse<T>(response: Response, request: string): Promise<T> {
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    if (!response.ok) throw new Error(`${request} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
