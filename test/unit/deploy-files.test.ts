import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_SECRETS, envSchema } from '../../server/config/env.js';
import { WORKER_NODE_OPTIONS } from '../../workers/node-options.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

// ---- reading the files -------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  ports?: unknown[];
  labels?: Record<string, string> | string[];
  networks?: string[] | Record<string, unknown>;
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  container_name?: string;
  restart?: string;
  profiles?: string[];
  deploy?: { replicas?: number | string };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { name?: string } | null>;
  volumes?: Record<string, unknown>;
  'x-fairport-environment'?: Record<string, string>;
}

interface TraefikEntryPoint {
  address?: string;
  asDefault?: boolean;
  http?: { redirections?: { entryPoint?: { to?: string; scheme?: string; permanent?: boolean } } };
}

interface TraefikConfig {
  entryPoints?: Record<string, TraefikEntryPoint>;
  providers?: { docker?: { exposedByDefault?: boolean; network?: string; endpoint?: string } };
  certificatesResolvers?: Record<string, { acme?: { email?: string; storage?: string; httpChallenge?: { entryPoint?: string } } }>;
  ping?: { entryPoint?: string };
  api?: { insecure?: boolean; dashboard?: boolean };
  log?: unknown;
  accessLog?: unknown;
}

interface DocumentedVariable {
  name: string;
  value: string;
  commentedOut: boolean;
  comment: string[];
}

interface DockerInstruction {
  keyword: string;
  argument: string;
}

function readRepositoryFile(relativePath: string): string {
  return readFileSync(path.join(root, relativePath), 'utf8');
}

/** Parses YAML as Compose does, with `<<` merge keys resolved. */
function loadYaml(relativePath: string): unknown {
  return parseYaml(readRepositoryFile(relativePath), { merge: true });
}

function schemaValidator(schemaFile: string): ValidateFunction {
  // The published schemas use type unions and object keywords without `type: object`, which
  // Ajv's strictTypes check rejects; every other strict check stays on.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  formatsPlugin.default(ajv);

  // compose-spec.json names the draft-07 meta-schema by its https address; Ajv ships it under
  // the http one only.
  const draft07 = ajv.getSchema('http://json-schema.org/draft-07/schema');
  if (!draft07) throw new Error('Ajv has no draft-07 meta-schema');
  ajv.addMetaSchema({ ...(draft07.schema as object), $id: 'https://json-schema.org/draft-07/schema' });

  const schema = JSON.parse(readRepositoryFile(`test/fixtures/schemas/${schemaFile}`)) as object;
  return ajv.compile(schema);
}

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

function environmentOf(service: ComposeService): Record<string, string> {
  const environment: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const [name, ...rest] = entry.split('=');
      environment[name!] = rest.join('=');
    }
    return environment;
  }
  for (const [name, value] of Object.entries(service.environment ?? {})) {
    environment[name] = value === null ? '' : String(value);
  }
  return environment;
}

function labelsOf(service: ComposeService): Record<string, string> {
  if (!Array.isArray(service.labels)) return { ...(service.labels ?? {}) };
  return Object.fromEntries(service.labels.map((label) => [label.split('=')[0]!, label.split('=').slice(1).join('=')]));
}

function networksOf(service: ComposeService): string[] {
  if (Array.isArray(service.networks)) return service.networks;
  return Object.keys(service.networks ?? {});
}

function dependenciesOf(service: ComposeService): Record<string, string> {
  if (Array.isArray(service.depends_on)) {
    return Object.fromEntries(service.depends_on.map((name) => [name, 'service_started']));
  }
  return Object.fromEntries(
    Object.entries(service.depends_on ?? {}).map(([name, dependency]) => [name, dependency.condition ?? 'service_started']),
  );
}

function commandOf(service: ComposeService): string[] {
  if (Array.isArray(service.command)) return service.command;
  return service.command ? service.command.split(/\s+/) : [];
}

interface Interpolation {
  name: string;
  operator: string;
  argument: string;
}

/** Lists the `${NAME...}` and `$NAME` references that Compose substitutes in string values. */
function interpolationsIn(value: unknown): Interpolation[] {
  if (typeof value === 'string') {
    const unescaped = value.replaceAll('$$', '');
    const pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
    return [...unescaped.matchAll(pattern)].map((match) => ({
      name: match[1] ?? match[4]!,
      operator: match[2] ?? '',
      argument: match[3] ?? '',
    }));
  }
  if (Array.isArray(value)) return value.flatMap(interpolationsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(interpolationsIn);
  return [];
}

/**
 * Reads the variables of an env file, commented out (`# NAME=value`) or set, each with the
 * comment block above it. Consecutive variables share the comment above the first one.
 */
function parseEnvExample(text: string): DocumentedVariable[] {
  const variables: DocumentedVariable[] = [];
  let comment: string[] = [];

  for (const line of text.split('\n')) {
    const variable = /^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (variable) {
      variables.push({ name: variable[2]!, value: variable[3]!, commentedOut: variable[1] !== undefined, comment });
    } else if (line.startsWith('#')) {
      comment = [...comment, line.replace(/^#\s?/, '')].filter((entry) => !/^-+$/.test(entry));
    } else if (line.trim() === '') {
      comment = [];
    }
  }
  return variables;
}

interface Dockerfile {
  /** ARG instructions before the first FROM, which FROM lines may use. */
  globalArguments: DockerInstruction[];
  stages: DockerInstruction[][];
}

/** Splits a Dockerfile into stages of instructions, with continuation lines joined. */
function parseDockerfile(text: string): Dockerfile {
  const dockerfile: Dockerfile = { globalArguments: [], stages: [] };
  let logicalLine = '';

  for (const line of text.split('\n')) {
    if (logicalLine === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      logicalLine += `${line.slice(0, -1)} `;
      continue;
    }
    logicalLine += line;

    const [, keyword = '', argument = ''] = /^\s*(\S+)\s+([\s\S]*)$/.exec(logicalLine) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), argument: argument.trim() };
    if (instruction.keyword === 'FROM') dockerfile.stages.push([]);
    (dockerfile.stages.at(-1) ?? dockerfile.globalArguments).push(instruction);
    logicalLine = '';
  }
  return dockerfile;
}

/** Maps a compiled file of the build (`dist/server/main.js`) to its TypeScript source. */
function sourceOfBuildOutput(outputPath: string, outDir: string): string {
  const prefix = `${outDir.replace(/^\.\//, '').replace(/\/$/, '')}/`;
  expect(outputPath.startsWith(prefix), `${outputPath} is not under the build's outDir ${prefix}`).toBe(true);
  return outputPath.slice(prefix.length).replace(/\.js$/, '.ts');
}

const compose = loadYaml('docker-compose.yml') as ComposeFile;
const traefik = loadYaml('traefik.yml') as TraefikConfig;
const envExample = parseEnvExample(readRepositoryFile('.env.example'));
const schemaKeys = Object.keys(envSchema.shape);
const composeVariables = new Set(interpolationsIn(compose).map((reference) => reference.name));
const requiredComposeVariables = ['FAIRPORT_HOST', 'ACME_EMAIL', 'POSTGRES_PASSWORD', 'SESSION_SECRET', 'ADMIN_PASSWORD'];
const secretVariables = [...Object.keys(DEFAULT_SECRETS), 'POSTGRES_PASSWORD'];

function service(name: string): ComposeService {
  const found = compose.services[name];
  expect(found, `docker-compose.yml has no service "${name}"`).toBeDefined();
  return found!;
}

// ---- docker-compose.yml ------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  it('matches the Compose specification', () => {
    const validate = schemaValidator('compose-spec.json');
    expect(validate(compose), describeErrors(validate.errors).join('\n')).toBe(true);
  });

  it('local override matches the Compose specification', () => {
    const validate = schemaValidator('compose-spec.json');
    const override = loadYaml('docker-compose.local.yml');
    expect(validate(override), describeErrors(validate.errors).join('\n')).toBe(true);
  });

  it('schema check rejects an invalid service', () => {
    const validate = schemaValidator('compose-spec.json');
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.server!.depends_on = { migrate: { condition: 'when_ready' } };
    expect(validate(broken)).toBe(false);
  });

  it('has every service of the deployment', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['backups', 'demo', 'migrate', 'postgres', 'redis', 'server', 'traefik', 'worker'].sort(),
    );
  });

  it('starts database users after migrate', () => {
    const databaseUsers = Object.entries(compose.services).filter(([name, entry]) => {
      const environment = environmentOf(entry);
      return name !== 'migrate' && ('DATABASE_URL' in environment || 'PGHOST' in environment);
    });
    expect(databaseUsers.map(([name]) => name).sort()).toEqual(['backups', 'demo', 'server', 'worker']);

    for (const [name, entry] of databaseUsers) {
      expect(dependenciesOf(entry).migrate, `${name} must wait for migrate`).toBe('service_completed_successfully');
    }
  });

  it('migrate waits for a healthy database and runs once', () => {
    const migrate = service('migrate');
    expect(dependenciesOf(migrate).postgres).toBe('service_healthy');
    expect(migrate.restart).toBe('no');
    expect(commandOf(migrate)).toEqual(['node', 'dist/scripts/migrate.js']);
  });

  it('long-running app services wait for healthy postgres and redis', () => {
    for (const name of ['server', 'worker']) {
      const dependencies = dependenciesOf(service(name));
      expect(dependencies.postgres, name).toBe('service_healthy');
      expect(dependencies.redis, name).toBe('service_healthy');
    }
  });

  it('server scales without host ports or names', () => {
    const server = service('server');
    expect(server.ports).toBeUndefined();
    expect(server.container_name).toBeUndefined();
    expect(server.deploy?.replicas).toBeDefined();
    expect(service('worker').container_name).toBeUndefined();
    expect(service('worker').ports).toBeUndefined();
  });

  it('only traefik publishes ports', () => {
    const publishing = Object.entries(compose.services)
      .filter(([, entry]) => (entry.ports ?? []).length > 0)
      .map(([name]) => name);
    expect(publishing).toEqual(['traefik']);
    expect(service('traefik').ports).toEqual(['80:80', '443:443']);
  });

  it('server router serves the public host over TLS', () => {
    const labels = labelsOf(service('server'));
    expect(labels['traefik.enable']).toBe('true');
    expect(labels['traefik.http.routers.fairport.rule']).toMatch(/^Host\(`\$\{FAIRPORT_HOST:\?[^}]+\}`\)$/);
    expect(labels['traefik.http.routers.fairport.entrypoints']).toBe('websecure');
    expect(labels['traefik.http.routers.fairport.tls']).toBe('true');
    expect(labels['traefik.http.routers.fairport.tls.certresolver']).toBe('letsencrypt');
    expect(Object.keys(traefik.certificatesResolvers ?? {})).toContain('letsencrypt');
    expect(labels['traefik.http.routers.fairport.service']).toBe('fairport');
    expect(labels['traefik.http.services.fairport.loadbalancer.server.port']).toBe(
      environmentOf(service('server')).PORT,
    );
  });

  it('server router passes WebSocket upgrades through', () => {
    const labels = labelsOf(service('server'));
    const router = 'traefik.http.routers.fairport';
    expect(traefik.entryPoints?.[labels[`${router}.entrypoints`]!]).toBeDefined();

    // A buffering middleware buffers whole requests and responses, which breaks long-polling,
    // WebSocket upgrades and streamed uploads.
    const middlewareLabels = Object.keys(labels).filter((label) => label.includes('.middlewares'));
    for (const label of middlewareLabels) {
      expect(labels[label], label).not.toMatch(/buffering/i);
    }
    expect(Object.keys(labels).filter((label) => label.includes('.buffering.'))).toEqual([]);

    // Traefik reaches the replicas only over the network its Docker provider is configured with.
    const edge = Object.entries(compose.networks ?? {}).find(([, network]) => network?.name === traefik.providers?.docker?.network);
    expect(edge, `no network named ${traefik.providers?.docker?.network}`).toBeDefined();
    expect(networksOf(service('server'))).toContain(edge![0]);
    expect(networksOf(service('traefik'))).toContain(edge![0]);
  });

  it('server sticks each browser to one replica', () => {
    const labels = labelsOf(service('server'));
    const sticky = 'traefik.http.services.fairport.loadbalancer.sticky.cookie';
    expect(labels[sticky]).toBe('true');
    expect(labels[`${sticky}.name`]).toBe('fairport_sticky');
    expect(labels[`${sticky}.secure`]).toBe('true');
    expect(labels[`${sticky}.httponly`]).toBe('true');
    expect(['lax', 'strict']).toContain(labels[`${sticky}.samesite`]);
  });

  it('server health is checked by Docker and Traefik', () => {
    const server = service('server');
    expect(server.healthcheck?.disable).not.toBe(true);
    expect(JSON.stringify(server.healthcheck?.test)).toContain('/api/v1/health');
    expect(labelsOf(server)['traefik.http.services.fairport.loadbalancer.healthcheck.path']).toBe('/api/v1/health');
  });

  it('requires every secret with a message', () => {
    const references = interpolationsIn(compose);
    for (const name of requiredComposeVariables) {
      const uses = references.filter((reference) => reference.name === name);
      expect(uses.length, `${name} is not used`).toBeGreaterThan(0);
      for (const use of uses) {
        expect(use.operator, `every use of ${name} must be \${${name}:?message}`).toBe(':?');
        expect(use.argument.trim().length, `${name} needs a message`).toBeGreaterThan(10);
      }
    }
  });

  it('app environment sets every config key', () => {
    const environment = compose['x-fairport-environment'] ?? {};
    expect(Object.keys(environment).sort()).toEqual([...schemaKeys].sort());
    for (const name of ['server', 'worker', 'migrate', 'demo']) {
      expect(Object.keys(environmentOf(service(name))).sort(), name).toEqual([...schemaKeys].sort());
    }
  });

  it('app environment runs in production behind the proxy', () => {
    const environment = environmentOf(service('server'));
    expect(environment.NODE_ENV).toBe('production');
    expect(environment.HOST).toBe('0.0.0.0');
    expect(environment.TRUST_PROXY).toBe('true');
    expect(environment.PUBLIC_URL).toMatch(/^https:\/\/\$\{FAIRPORT_HOST:\?/);
    expect(environment.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(environment.REDIS_URL).toBe('redis://redis:6379');
  });

  it('server and worker share the uploads volume', () => {
    const uploadDir = environmentOf(service('server')).UPLOAD_DIR;
    for (const name of ['server', 'worker']) {
      expect(service(name).volumes, name).toContain(`uploads:${uploadDir}`);
    }
    expect(compose.volumes).toHaveProperty('uploads');
  });

  it('postgres has PostGIS, a volume and pg_isready', () => {
    const postgres = service('postgres');
    expect(postgres.image).toBe('postgis/postgis:15-3.4');
    expect(postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
  });

  it('redis persists with an append-only file', () => {
    const redis = service('redis');
    expect(commandOf(redis).join(' ')).toMatch(/--appendonly yes/);
    expect(commandOf(redis).join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(JSON.stringify(redis.healthcheck?.test)).toContain('ping');
  });

  it('backups dump with the database image', () => {
    const backups = service('backups');
    expect(backups.image).toBe(service('postgres').image);
    expect(backups.volumes).toContain('backups:/backups');
    expect(backups.volumes).toContain('./deploy/pg-backup.sh:/usr/local/bin/fairport-pg-backup:ro');
    expect(JSON.stringify(backups.healthcheck?.test)).toContain('check');
  });

  it('demo seeder runs only on request', () => {
    const demo = service('demo');
    expect(demo.profiles).toEqual(['demo']);
    expect(commandOf(demo)).toEqual(['node', 'dist/scripts/seed-demo.js']);
  });

  it('bind-mounted files exist', () => {
    for (const [name, entry] of Object.entries(compose.services)) {
      for (const volume of entry.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        if (!source.startsWith('./')) continue;
        expect(existsSync(path.join(root, source)), `${name} mounts missing ${source}`).toBe(true);
      }
    }
  });

  it('references only variables documented in .env.example', () => {
    const documented = new Set(envExample.map((variable) => variable.name));
    const undocumented = [...composeVariables].filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
  });
});

// ---- docker-compose.local.yml ------------------------------------------------------------------

describe('docker-compose.local.yml', () => {
  it('publishes postgres and redis on loopback only', () => {
    const override = loadYaml('docker-compose.local.yml') as ComposeFile;
    expect(override.services.postgres?.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(override.services.redis?.ports).toEqual(['127.0.0.1:6379:6379']);
    expect(Object.keys(override.services).sort()).toEqual(['postgres', 'redis']);
  });
});

// ---- traefik.yml -------------------------------------------------------------------------------

describe('traefik.yml', () => {
  it('matches the Traefik v3 schema', () => {
    const validate = schemaValidator('traefik-v3.json');
    expect(validate(traefik), describeErrors(validate.errors).join('\n')).toBe(true);
  });

  it('schema check rejects a misspelt option', () => {
    const validate = schemaValidator('traefik-v3.json');
    const broken = structuredClone(traefik) as Record<string, unknown>;
    broken.providers = { docker: { exposedbydefault: false } };
    expect(validate(broken)).toBe(false);
  });

  it('redirects HTTP to HTTPS permanently', () => {
    expect(traefik.entryPoints?.web?.address).toBe(':80');
    expect(traefik.entryPoints?.websecure?.address).toBe(':443');
    expect(traefik.entryPoints?.web?.http?.redirections?.entryPoint).toEqual({
      to: 'websecure',
      scheme: 'https',
      permanent: true,
    });
  });

  it('routes only labelled containers', () => {
    expect(traefik.providers?.docker?.exposedByDefault).toBe(false);
    expect(traefik.providers?.docker?.network).toBe('fairport-edge');
  });

  it('gets certificates over the HTTP challenge', () => {
    const acme = traefik.certificatesResolvers?.letsencrypt?.acme;
    expect(acme?.httpChallenge?.entryPoint).toBe('web');
    expect(acme?.email).toBe('${ACME_EMAIL}');
    expect(acme?.storage).toMatch(/^\/letsencrypt\//);
    expect(service('traefik').volumes).toContain('letsencrypt:/letsencrypt');
  });

  it('answers ping on an unpublished entry point', () => {
    const pingEntryPoint = traefik.ping?.entryPoint;
    expect(pingEntryPoint).toBeDefined();
    const port = traefik.entryPoints?.[pingEntryPoint!]?.address?.replace(/^.*:/, '');
    expect(port).toBeDefined();
    expect(JSON.stringify(service('traefik').ports)).not.toContain(`${port}:`);
    expect(service('traefik').healthcheck?.test).toEqual(['CMD', 'traefik', 'healthcheck', '--ping']);
  });

  it('keeps the API and dashboard closed', () => {
    expect(traefik.api?.insecure ?? false).toBe(false);
    expect(traefik.api?.dashboard ?? false).toBe(false);
  });
});

// ---- deploy/traefik-entrypoint.sh --------------------------------------------------------------

describe('deploy/traefik-entrypoint.sh', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'fairport-traefik-'));
    // Stands in for the Traefik binary: prints the arguments it was started with.
    await writeFile(path.join(directory, 'traefik'), '#!/bin/sh\necho "traefik $*"\n');
    await chmod(path.join(directory, 'traefik'), 0o755);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  function runEntrypoint(email: string, config: string) {
    return run('sh', [path.join(root, 'deploy/traefik-entrypoint.sh'), '--log.level=INFO'], {
      env: {
        PATH: `${directory}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        ACME_EMAIL: email,
        TRAEFIK_TEMPLATE: path.join(root, 'traefik.yml'),
        TRAEFIK_CONFIG: config,
      },
    });
  }

  it('fills in the email and starts Traefik', async () => {
    const config = path.join(directory, 'filled.yml');
    const { stdout } = await runEntrypoint('ops+certs@data.example.org', config);

    expect(stdout.trim()).toBe('traefik --log.level=INFO');
    const filled = parseYaml(await readFile(config, 'utf8')) as TraefikConfig;
    expect(filled.certificatesResolvers?.letsencrypt?.acme?.email).toBe('ops+certs@data.example.org');
    const validate = schemaValidator('traefik-v3.json');
    expect(validate(filled), describeErrors(validate.errors).join('\n')).toBe(true);
  });

  it.each(['', 'ops', 'ops@example', 'a@b@example.org', 'ops@example.org/x', 'o"ps@example.org'])(
    'rejects ACME_EMAIL %j',
    async (email) => {
      const config = path.join(directory, 'rejected.yml');
      await rm(config, { force: true });

      await expect(runEntrypoint(email, config)).rejects.toMatchObject({ code: 64 });
      expect(existsSync(config)).toBe(false);
    },
  );
});

// ---- .env.example ------------------------------------------------------------------------------

describe('.env.example', () => {
  it('documents every config key', () => {
    const documented = new Set(envExample.map((variable) => variable.name));
    expect(schemaKeys.filter((key) => !documented.has(key))).toEqual([]);
  });

  it('documents no unknown key', () => {
    const known = new Set([...schemaKeys, ...composeVariables]);
    expect(envExample.map((variable) => variable.name).filter((name) => !known.has(name))).toEqual([]);
  });

  it('documents each key once', () => {
    const names = envExample.map((variable) => variable.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('explains every key in a comment', () => {
    for (const variable of envExample) {
      expect(variable.comment.join(' ').length, `${variable.name} has no comment`).toBeGreaterThan(20);
    }
  });

  it('shows the schema default of each setting', () => {
    const defaults = envSchema.parse({});
    const documentedDefaults = envExample.filter(
      (variable) => schemaKeys.includes(variable.name) && !secretVariables.includes(variable.name) && variable.value !== '',
    );
    expect(documentedDefaults.length).toBeGreaterThan(15);

    for (const variable of documentedDefaults) {
      const field = envSchema.shape[variable.name as keyof typeof envSchema.shape];
      expect(field.parse(variable.value), variable.name).toEqual(defaults[variable.name as keyof typeof defaults]);
      expect(variable.commentedOut, `${variable.name} is a default, so it stays commented out`).toBe(true);
    }
  });

  it('leaves secrets empty', () => {
    for (const name of secretVariables) {
      const variable = envExample.find((entry) => entry.name === name);
      expect(variable, name).toBeDefined();
      expect(variable!.value, `${name} must have no value in the example`).toBe('');
    }
  });

  it('lists the variables Compose requires uncommented', () => {
    for (const name of requiredComposeVariables) {
      const variable = envExample.find((entry) => entry.name === name);
      expect(variable?.commentedOut, name).toBe(false);
    }
  });
});

// ---- Dockerfile --------------------------------------------------------------------------------

describe('Dockerfile', () => {
  const { globalArguments, stages } = parseDockerfile(readRepositoryFile('Dockerfile'));
  const runtime = stages.at(-1) ?? [];
  const buildConfig = JSON.parse(readRepositoryFile('tsconfig.build.json')) as {
    compilerOptions: { outDir: string; rootDir: string };
    include: string[];
  };
  const packageJson = JSON.parse(readRepositoryFile('package.json')) as { scripts: Record<string, string> };

  function instructions(stage: DockerInstruction[], keyword: string): string[] {
    return stage.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.argument);
  }

  function resolveArguments(text: string): string {
    const defaults = Object.fromEntries(
      globalArguments
        .filter((instruction) => instruction.keyword === 'ARG' && instruction.argument.includes('='))
        .map((instruction) => instruction.argument.split('=') as [string, string]),
    );
    return text.replace(/\$\{(\w+)\}/g, (_, name: string) => defaults[name] ?? '');
  }

  it('builds from the Node 20 bookworm image in stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const from = resolveArguments(stage[0]!.argument.split(/\s+/)[0]!);
      expect(from).toBe('node:20-bookworm-slim');
    }
  });

  it('installs from the lockfile and builds client and server', () => {
    const commands = stages.slice(0, -1).flatMap((stage) => instructions(stage, 'RUN')).join('\n');
    expect(commands).toMatch(/\bnpm ci\b/);
    expect(commands).toContain('npm run build:client');
    expect(commands).toContain('npm run build:server');
    expect(packageJson.scripts['build:client']).toBeDefined();
    expect(packageJson.scripts['build:server']).toContain('tsconfig.build.json');
  });

  it('runtime keeps production dependencies only', () => {
    const buildCommands = stages.slice(0, -1).flatMap((stage) => instructions(stage, 'RUN')).join('\n');
    expect(buildCommands).toMatch(/npm prune --omit=dev|npm ci --omit=dev/);
    expect(instructions(runtime, 'RUN').join('\n')).not.toMatch(/\bnpm (ci|install)\b/);
  });

  it('runtime runs as a non-root user in production', () => {
    expect(instructions(runtime, 'USER')).toEqual(['node']);
    expect(instructions(runtime, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('health check calls the health endpoint', () => {
    const [healthcheck] = instructions(runtime, 'HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    const command = JSON.parse(healthcheck!.slice(healthcheck!.indexOf('CMD') + 3)) as string[];
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/api/v1/health');
  });

  it('caps the worker heap as npm start does', () => {
    expect(commandOf(service('worker'))).toContain(WORKER_NODE_OPTIONS);
    expect(readFileSync(path.join(root, 'scripts/start.mjs'), 'utf8')).toContain(`'${WORKER_NODE_OPTIONS}'`);
  });

  it('entry points are compiled from existing sources', () => {
    expect(buildConfig.compilerOptions.rootDir).toBe('.');
    const [cmd] = instructions(runtime, 'CMD');
    const commands = [
      JSON.parse(cmd!) as string[],
      ...['server', 'worker', 'migrate', 'demo'].map((name) => commandOf(service(name))),
    ];

    const sources = commands.map((command) => {
      expect(command[0]).toBe('node');
      // Node options such as the worker's heap cap come before the entry point.
      const entry = command.slice(1).find((argument) => !argument.startsWith('-'));
      return sourceOfBuildOutput(entry!, buildConfig.compilerOptions.outDir);
    });
    expect(sources).toEqual([
      'server/main.ts',
      'server/main.ts',
      'workers/main.ts',
      'scripts/migrate.ts',
      'scripts/seed-demo.ts',
    ]);

    for (const source of sources) {
      const included = buildConfig.include.some(
        (entry) => source === entry || source.startsWith(`${entry.replace(/\/?\*\*.*$/, '')}/`),
      );
      expect(included, `${source} is outside tsconfig.build.json's include`).toBe(true);
      expect(existsSync(path.join(root, source)), `${source} does not exist`).toBe(true);
    }
  });

  it('copies the built client', () => {
    const copies = instructions(runtime, 'COPY').join('\n');
    expect(copies).toMatch(/\/app\/client\/dist \.\/client\/dist/);
    expect(copies).toMatch(/\/app\/dist \.\/dist/);
  });
});
