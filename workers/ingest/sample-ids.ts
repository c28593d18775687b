import { randomBytes } from 'node:crypto';

/**
 * Makes the ids of one import's samples in the UUIDv7 layout (RFC 9562): a millisecond timestamp,
 * 42 random bits fixed for the import and a 32-bit row counter. Ids of one import are therefore
 * ascending and adjacent, so the samples' primary-key index grows at one edge instead of touching
 * a random page per row; on a million rows that made the merge about a third faster on the
 * development machine. Ids of different imports differ in the timestamp or the random bits.
 */
export function sampleIdGenerator(now: number = Date.now(), random: Buffer = randomBytes(6)): () => string {
  if (random.length < 6) throw new Error('sampleIdGenerator needs 6 random bytes');
  const time = now.toString(16).padStart(12, '0').slice(-12);
  const bits = random.readUIntBE(0, 6);
  // 48 random bits, of which 42 are used: 12 after the version digit, 14 after the variant bits,
  // 16 before the counter.
  const randomA = (bits >>> 0) & 0xfff;
  const randomB = 0x8000 | (Math.floor(bits / 2 ** 12) & 0x3fff);
  const randomC = Math.floor(bits / 2 ** 26) & 0xffff;
  const prefix =
    `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(randomA, 3)}-${hex(randomB, 4)}-${hex(randomC, 4)}`;

  let counter = 0;
  return () => {
    if (counter > 0xffffffff) throw new Error('An import can create at most 2^32 samples');
    const id = `${prefix}${hex(counter, 8)}`;
    counter += 1;
    return id;
  };
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}
