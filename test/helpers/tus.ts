/** Headers every tus request carries. */
export const TUS = { 'Tus-Resumable': '1.0.0' } as const;

/** Encodes tus Upload-Metadata: each key with its value in base64, comma-separated. */
export function tusMetadata(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

/** Speaks the tus protocol with plain fetch requests, so each test can check every status and header. */
export class TusTestClient {
  constructor(
    readonly baseUrl: string,
    readonly cookie: string,
  ) {}

  /** Creates an upload of `size` bytes into a dataset; returns the response (Location on 201). */
  create(datasetId: string, size: number, filename: string): Promise<Response> {
    return fetch(`${this.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...TUS, cookie: this.cookie, 'Upload-Length': String(size), 'Upload-Metadata': tusMetadata({ datasetId, filename }) },
    });
  }

  /** Sends bytes at an offset of the upload at `location`. */
  patch(location: string, offset: number, bytes: Buffer): Promise<Response> {
    return fetch(`${this.baseUrl}${location}`, {
      method: 'PATCH',
      headers: { ...TUS, cookie: this.cookie, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: bytes,
    });
  }

  /** Asks for the upload's offset. */
  head(location: string): Promise<Response> {
    return fetch(`${this.baseUrl}${location}`, { method: 'HEAD', headers: { ...TUS, cookie: this.cookie } });
  }
}
