import { z } from 'zod';
import { DEFAULT_SECRETS, envSchema, type Config } from './env.js';

/** Raised when the environment does not describe a configuration this process can run with. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment against the one schema and returns the configuration.
 * Throws a ConfigError that names every invalid variable and how to fix it.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(pickSchemaKeys(environment));
  if (!parsed.success) {
    throw new ConfigError(describeIssues(parsed.error));
  }

  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    rejectDefaultSecrets(config);
    rejectPlainHttpIssuer(config);
  }
  return config;
}

function pickSchemaKeys(environment: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = environment[key];
    // An empty variable means "not set", as in a .env file with `KEY=`.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return picked;
}

function describeIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  return `Invalid configuration; fix these environment variables (see .env.example):\n${lines.join('\n')}`;
}

function rejectDefaultSecrets(config: Config): void {
  const defaulted = (Object.keys(DEFAULT_SECRETS) as (keyof typeof DEFAULT_SECRETS)[]).filter(
    (key) => config[key] === DEFAULT_SECRETS[key],
  );
  if (defaulted.length === 0) return;

  throw new ConfigError(
    `Refusing to start in production with the development default of ${defaulted.join(' and ')}. ` +
      `Set ${defaulted.join(' and ')} to a secret of your own, for example the output of ` +
      '`openssl rand -hex 32`.',
  );
}

// An issuer over plain HTTP lets anyone on the path forge ORCID sign-ins; tests run one locally.
function rejectPlainHttpIssuer(config: Config): void {
  if (!config.ORCID_CLIENT_ID || new URL(config.ORCID_ISSUER).protocol === 'https:') return;
  throw new ConfigError(`Refusing to start in production with ORCID_ISSUER ${config.ORCID_ISSUER}: use an https:// issuer such as https://orcid.org.`);
}
