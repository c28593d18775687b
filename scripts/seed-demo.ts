/**
 * Loads the demo project through the same REST upload and worker path a user takes: the USGS
 * earthquake feed for one week and the Palmer penguins. Run by `npm start` on every start; it
 * does nothing for a dataset that already has rows or an import under way.
 * Reads FAIRPORT_URL (default http://127.0.0.1:3000), ADMIN_EMAIL and ADMIN_PASSWORD.
 */
import { loadConfig } from '../server/config/load-config.js';
import { moduleLogger } from '../server/observability/logger.js';
import { ApiClient } from './api-client.js';
import { demoDatasets, type DemoDataset } from './demo/datasets.js';

const log = moduleLogger('seed-demo');
const DEMO_KEYWORD = 'fairport-demo';

async function main(): Promise<void> {
  const config = loadConfig();
  const api = new ApiClient(process.env.FAIRPORT_URL ?? `http://127.0.0.1:${config.PORT}`);
  await api.signIn(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);

  const projectId = await findOrCreateProject(api);
  const existing = await api.listDatasets(projectId);
  const pending: { title: string; importId: string }[] = [];

  for (const demo of await demoDatasets()) {
    const started = await loadIfMissing(api, projectId, existing, demo);
    if (started) {
      pending.push({ title: demo.metadata.title, importId: started });
    } else {
      log.info({ title: demo.metadata.title }, 'demo dataset already loaded; skipped');
    }
  }

  for (const { title, importId } of pending) {
    const record = await api.loadAsProposed(importId, 10 * 60_000);
    if (record.state === 'completed') {
      log.info({ title, counts: record.counts }, 'demo dataset loaded');
    } else {
      log.error({ title, state: record.state, error: record.error }, 'demo dataset did not load');
      process.exitCode = 1;
    }
  }
}

async function findOrCreateProject(api: ApiClient): Promise<string> {
  const found = (await api.listProjects()).find((project) => project.keywords.includes(DEMO_KEYWORD));
  if (found) return found.id;

  const project = await api.createProject({
    title: 'Fairport demo: real public research data',
    description:
      'Two real public datasets loaded through the same upload and processing path a research team uses: ' +
      'a week of the USGS earthquake feed (public domain) and the Palmer penguins (CC0).',
    keywords: [DEMO_KEYWORD, 'demo'],
  });
  log.info({ projectId: project.id }, 'created demo project');
  return project.id;
}

/** Creates the dataset and uploads its file unless it already has rows or a live import; returns the import id. */
async function loadIfMissing(
  api: ApiClient,
  projectId: string,
  existing: Awaited<ReturnType<ApiClient['listDatasets']>>,
  demo: DemoDataset,
): Promise<string | null> {
  let dataset = existing.find((candidate) => candidate.title === demo.metadata.title);
  if (dataset) {
    const imports = await api.listImports(dataset.id);
    const busy = imports.some((record) => ['uploading', 'queued', 'running', 'awaiting_review'].includes(record.state));
    if (dataset.sampleCount > 0 || busy) return null;
  } else {
    dataset = await api.createDataset(projectId, demo.metadata);
  }

  const prepared = await demo.prepareFile();
  try {
    const record = await api.uploadFile(dataset.id, prepared.file, prepared.fileName);
    log.info({ datasetId: dataset.id, importId: record.id, fileName: prepared.fileName }, 'uploaded demo file');
    return record.id;
  } finally {
    await prepared.cleanup();
  }
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : 'demo seeding failed');
  process.exit(1);
});
