import { describe, expect, it } from 'vitest';
import { REORDER_CHARS, REORDER_ROWS, SheetRowOrder } from '../../workers/ingest/sheet-row-order.js';
import { SheetXmlError } from '../../workers/ingest/sheet-xml-scanner.js';
import { readSheetNumber, UnreadableCell } from '../../workers/ingest/spreadsheet.js';

/** Adds rows with the given numbers, one cell each holding its number, with `chars` characters of text. */
function addRows(order: SheetRowOrder, numbers: number[], chars = 1): void {
  for (const number of numbers) order.add([number], number, chars);
}

describe('readSheetNumber', () => {
  it('reads decimal numbers', () => {
    expect(readSheetNumber('42')).toBe(42);
    expect(readSheetNumber('-0.5')).toBe(-0.5);
    expect(readSheetNumber('1.5E-3')).toBe(0.0015);
    expect(readSheetNumber('.25')).toBe(0.25);
  });

  it('reads blank text as an empty cell', () => {
    expect(readSheetNumber('')).toBe('');
    expect(readSheetNumber(' ')).toBe('');
    expect(readSheetNumber('\n\t')).toBe('');
  });

  it('rejects numbers that are not decimal or not finite', () => {
    for (const text of ['0x1F', '0b11', 'Infinity', '-INF', 'NaN', '1e400', '-1e400', ' 12', '1,5', '12abc']) {
      const value = readSheetNumber(text);
      expect(value, text).toBeInstanceOf(UnreadableCell);
      expect((value as UnreadableCell).kind, text).toBe('number');
      expect((value as UnreadableCell).text, text).toBe(text);
    }
  });
});

describe('SheetRowOrder', () => {
  it('hands ordered rows on and holds back the window', () => {
    const order = new SheetRowOrder();
    addRows(order, Array.from({ length: REORDER_ROWS + 5 }, (_, index) => index + 1));
    expect(order.take(false).rowNumbers).toEqual([1, 2, 3, 4, 5]);
    expect(order.length).toBe(REORDER_ROWS);
    expect(order.take(true).rowNumbers).toHaveLength(REORDER_ROWS);
    expect(order.length).toBe(0);
  });

  it('sorts rows stored out of order', () => {
    const order = new SheetRowOrder();
    addRows(order, [1, 2, 5, 3, 4]);
    const handed = order.take(true);
    expect(handed.rowNumbers).toEqual([1, 2, 3, 4, 5]);
    expect(handed.rows).toEqual([[1], [2], [3], [4], [5]]);
  });

  it('sorts a late row across takes within the window', () => {
    const order = new SheetRowOrder();
    const withoutTwelve = Array.from({ length: REORDER_ROWS + 12 }, (_, index) => index + 1).filter((number) => number !== 12);
    addRows(order, withoutTwelve);
    expect(order.take(false).rowNumbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    addRows(order, [REORDER_ROWS + 13, 12]);
    const rest = order.take(true).rowNumbers;
    expect(rest.slice(0, 3)).toEqual([12, 13, 14]);
    expect(rest).toHaveLength(REORDER_ROWS + 2);
  });

  it('holds back no more cell text than the limit', () => {
    const order = new SheetRowOrder();
    addRows(order, [1, 2, 3, 4], REORDER_CHARS / 2);
    expect(order.take(false).rowNumbers).toEqual([1, 2]);
    expect(order.length).toBe(2);
  });

  it('rejects a row later than the window', () => {
    const order = new SheetRowOrder();
    addRows(order, Array.from({ length: REORDER_ROWS + 1 }, (_, index) => index + 2));
    order.take(false);
    expect(() => order.add([1], 1, 1)).toThrow(SheetXmlError);
    expect(() => order.add([1], 1, 1)).toThrow(/row 1 is stored after row 2, more than 1,000 rows out of order.*save it again/);
  });
});
