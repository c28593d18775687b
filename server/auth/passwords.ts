import { hash, verify } from '@node-rs/argon2';

// OWASP's recommended argon2id parameters (19 MiB memory, 2 iterations, 1 lane). The library's
// default algorithm is argon2id; its const enum cannot be imported under verbatimModuleSyntax.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Verified against when an email matches no account, so both answers take the same time and a
// timing measurement cannot tell which email addresses have accounts.
const DUMMY_HASH = hash('fairport-timing-equaliser', OPTIONS);

/** Hashes a password with argon2id; the result embeds its salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Checks a password against a stored hash; with no hash it still spends the time of one check. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    await verify(await DUMMY_HASH, password);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
