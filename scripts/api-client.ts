import { openAsBlob } from 'node:fs';
import path from 'node:path';
import type { Dataset, DatasetCreate } from '../common/api/datasets.js';
import type { ImportRecord } from '../common/api/imports.js';
import type { Project, ProjectCreate } from '../common/api/projects.js';
import type { Problem } from '../common/errors.js';

/** A small client of the REST API for scripts and benchmarks, signed in with a session cookie. */
export class ApiClient {
  private cookie = '';

  constructor(readonly baseUrl: string) {}

  async signIn(email: string, password: string): Promise<void> {
    const response = await this.request('POST', '/auth/sign-in', { email, password });
    this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }

  async listProjects(): Promise<Project[]> {
    return this.listAll<Project>('/projects');
  }

  async listDatasets(projectId: string): Promise<Dataset[]> {
    return this.listAll<Dataset>(`/datasets?projectId=${projectId}`);
  }

  async createProject(input: ProjectCreate): Promise<Project> {
    return (await this.request('POST', '/projects', input)).json() as Promise<Project>;
  }

  async createDataset(projectId: string, input: DatasetCreate): Promise<Dataset> {
    return (await this.request('POST', `/projects/${projectId}/datasets`, input)).json() as Promise<Dataset>;
  }

  async listImports(datasetId: string): Promise<ImportRecord[]> {
    return this.listAll<ImportRecord>(`/datasets/${datasetId}/imports`);
  }

  async getImport(importId: string): Promise<ImportRecord> {
    return (await this.request('GET', `/imports/${importId}`)).json() as Promise<ImportRecord>;
  }

  /** Uploads a file from disk as multipart/form-data, streaming it from the file system. */
  async uploadFile(datasetId: string, file: string, fileName = path.basename(file)): Promise<ImportRecord> {
    const form = new FormData();
    form.set('file', await openAsBlob(file), fileName);
    const response = await fetch(`${this.baseUrl}/api/v1/datasets/${datasetId}/imports`, {
      method: 'POST',
      headers: { cookie: this.cookie },
      body: form,
    });
    await this.check(response, 'POST', `/datasets/${datasetId}/imports`);
    return (await response.json()) as ImportRecord;
  }

  /** Starts the load of an analysed import; `skip` leaves out invalid rows. */
  async startImport(importId: string, invalidRows: 'reject' | 'skip' = 'reject'): Promise<ImportRecord> {
    return (await this.request('POST', `/imports/${importId}/start`, { invalidRows })).json() as Promise<ImportRecord>;
  }

  /**
   * Polls an import until it waits for review or has ended (completed, failed or cancelled);
   * returns that record.
   */
  async waitForImport(importId: string, timeoutMs: number, intervalMs = 250): Promise<ImportRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await this.getImport(importId);
      if (record.state !== 'uploading' && record.state !== 'queued' && record.state !== 'running') return record;
      if (Date.now() > deadline) throw new Error(`Import ${importId} is still ${record.state} after ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Waits for the analysis of an import and starts its load as proposed, as a script that trusts
   * the analysis does; returns the import when it has ended.
   */
  async loadAsProposed(importId: string, timeoutMs: number, invalidRows: 'reject' | 'skip' = 'reject'): Promise<ImportRecord> {
    const analysed = await this.waitForImport(importId, timeoutMs);
    if (analysed.state !== 'awaiting_review') return analysed;
    await this.startImport(importId, invalidRows);
    return this.waitForImport(importId, timeoutMs);
  }

  private async listAll<T>(pathAndQuery: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const separator = pathAndQuery.includes('?') ? '&' : '?';
      const page = (await (
        await this.request('GET', `${pathAndQuery}${separator}limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as { items: T[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  private async request(method: string, apiPath: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.baseUrl}/api/v1${apiPath}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await this.check(response, method, apiPath);
    return response;
  }

  private async check(response: Response, method: string, apiPath: string): Promise<void> {
    if (response.ok) return;
    const text = await response.text();
    let detail = text;
    try {
      detail = (JSON.parse(text) as Problem).detail;
    } catch {
      // Not problem+json; show the body as it is.
    }
    throw new Error(`${method} ${apiPath} failed with ${response.status}: ${detail}`);
  }
}
