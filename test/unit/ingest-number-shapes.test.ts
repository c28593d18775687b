import { describe, expect, it } from 'vitest';
import { isDecimalNumber, numberShape, shapeByPatterns } from '../../workers/ingest/numbers.js';
import { seededRandom } from '../helpers/seeded-random.js';

// Characters that numbers are written with, weighted towards digits.
const ALPHABET = '0123456789012345678901234567890123456789+-.,eE \u00a0\u202f\'\u2019x:/T';

function randomText(random: () => number): string {
  const length = Math.floor(random() * 12);
  let text = '';
  for (let index = 0; index < length; index += 1) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

describe('numberShape', () => {
  it('matches the patterns on random texts', () => {
    const random = seededRandom(20261205);
    let compared = 0;
    for (let index = 0; index < 200_000; index += 1) {
      const text = randomText(random);
      const first = text.charCodeAt(0);
      if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) continue;
      if (numberShape(text) !== shapeByPatterns(text)) expect.fail(`"${text}": ${String(numberShape(text))} but the patterns say ${String(shapeByPatterns(text))}`);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100_000);
  });

  it.each([
    ['42', 'int'],
    ['-7', 'int'],
    ['007', 'lz'],
    ['0', 'int'],
    ['-0', 'int'],
    ['1234567890123456', 'int'],
    ['12345678901234567890', 'dot'],
    ['3.14', 'dot'],
    ['1.', 'dot'],
    ['.5', 'dot'],
    ['-.5', 'dot'],
    ['1.234', 'dot3'],
    ['-999.000', 'dot3'],
    ['0.123', 'dot'],
    ['1234.567', 'dot'],
    ['1e-3', 'dot'],
    ['1,234', 'comma3'],
    ['3,14', 'comma'],
    ['1,234,567', 'gcomma'],
    ['1.234.567', 'gdot'],
    ['1 234,5', 'gspace'],
    ["1'234.5", 'gapos'],
    ['-', null],
    ['.', null],
    ['+.', null],
    ['1.2.', null],
    [`1${'0'.repeat(400)}`, null],
  ])('reads %s as %s', (text, shape) => {
    expect(numberShape(text)).toBe(shape);
  });
});

describe('isDecimalNumber', () => {
  // The grammar of a decimal number as programs write it, as the oracle of the faster check.
  const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

  it('matches the decimal grammar on random texts', () => {
    const random = seededRandom(4242);
    for (let index = 0; index < 200_000; index += 1) {
      const text = randomText(random);
      if (isDecimalNumber(text) !== decimal.test(text)) expect.fail(`"${text}": ${String(isDecimalNumber(text))}`);
    }
  });

  it.each(['42', '-0.5', '1e-3', '.5', '1.', '007'])('accepts %s', (text) => {
    expect(isDecimalNumber(text)).toBe(true);
  });

  it.each(['', ' 42', '0x10', 'Infinity', '1,5', '2024-01-02', '-', '.', '1e', `1${'0'.repeat(400)}`])('rejects "%s"', (text) => {
    expect(isDecimalNumber(text)).toBe(false);
  });
});
