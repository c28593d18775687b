import { describe, expect, it } from 'vitest';
import { decodeEntities, SheetXmlError, SheetXmlScanner, type SheetXmlHandler } from '../../workers/ingest/sheet-xml-scanner.js';

type Event = ['row', number | null] | ['cell', number | null, string, number, string] | ['end'];

/** Scans `xml` split into the given chunks and returns every event in order. */
function scan(chunks: string[]): Event[] {
  const events: Event[] = [];
  const handler: SheetXmlHandler = {
    rowStart: (number) => events.push(['row', number]),
    cell: (column, type, style, text) => events.push(['cell', column, type, style, text]),
    rowEnd: () => events.push(['end']),
  };
  const scanner = new SheetXmlScanner(handler);
  for (const chunk of chunks) scanner.write(chunk);
  scanner.close();
  return events;
}

const worksheet = (rows: string, prefix = '') => {
  const p = prefix ? `${prefix}:` : '';
  const xmlns = prefix ? `xmlns:${prefix}` : 'xmlns';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${p}worksheet ${xmlns}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><${p}cols><${p}col min="1" max="2" width="9"/></${p}cols><${p}sheetData>${rows}</${p}sheetData><${p}conditionalFormatting sqref="A1"><${p}cfRule type="cellIs" priority="1"/></${p}conditionalFormatting></${p}worksheet>`;
};

const MIXED = worksheet(
  '<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>45123.5</v></c><c r="C1" t="b"><v>1</v></c>' +
    '<c r="D1" t="e"><v>#DIV/0!</v></c><c r="E1"><f>SUM(B1:B1)</f><v>45123.5</v></c><c r="F1" s="2"/></row>' +
    '<row r="3"><c r="B3" t="inlineStr"><is><r><t>Fjord</t></r><r><rPr><b/><vertAlign val="superscript"/></rPr><t xml:space="preserve"> &amp; bay</t></r>' +
    '<rPh sb="0" eb="1"><t>ふ</t></rPh></is></c><c t="str"><v>&lt;0.01 &#x41;&#66;</v></c></row>' +
    '<row r="4"/>' +
    '<row><c><v>7</v></c><c\n  r = \'D5\'\n  t=\'s\'><v>2</v></c></row>',
);

const MIXED_EVENTS: Event[] = [
  ['row', 1],
  ['cell', 0, 's', 0, '0'],
  ['cell', 1, 'n', 3, '45123.5'],
  ['cell', 2, 'b', 0, '1'],
  ['cell', 3, 'e', 0, '#DIV/0!'],
  ['cell', 4, 'n', 0, '45123.5'],
  ['cell', 5, 'n', 2, ''],
  ['end'],
  ['row', 3],
  ['cell', 1, 'inlineStr', 0, 'Fjord & bay'],
  ['cell', null, 'str', 0, '<0.01 AB'],
  ['end'],
  ['row', 4],
  ['end'],
  ['row', null],
  ['cell', null, 'n', 0, '7'],
  ['cell', 3, 's', 0, '2'],
  ['end'],
];

describe('SheetXmlScanner', () => {
  it('reports rows and cells with their column, type, style and text', () => {
    expect(scan([MIXED])).toEqual(MIXED_EVENTS);
  });

  it('gives the same events however the text is split into chunks', () => {
    for (let split = 1; split < MIXED.length; split += 1) {
      expect(scan([MIXED.slice(0, split), MIXED.slice(split)]), `split at ${split}`).toEqual(MIXED_EVENTS);
    }
    expect(scan(MIXED.match(/[\s\S]{1,7}/g)!)).toEqual(MIXED_EVENTS);
  });

  it('reads elements with the namespace prefix of the root element', () => {
    const xml = worksheet('<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>hi</x:t></x:is></x:c><x:c r="B2"><x:v>3</x:v></x:c></x:row>', 'x');
    expect(scan([xml])).toEqual([['row', 2], ['cell', 0, 'inlineStr', 0, 'hi'], ['cell', 1, 'n', 0, '3'], ['end']]);
  });

  it('rejects a truncated sheet', () => {
    const cut = MIXED.slice(0, MIXED.indexOf('<row r="3">') + 30);
    expect(() => scan([cut])).toThrow(SheetXmlError);
    expect(() => scan([cut])).toThrow(/not closed/);
  });

  it('rejects text without a worksheet', () => {
    expect(() => scan(['<html><body>not a sheet</body></html>'])).toThrow(/no <worksheet> element/);
  });

  it('decodes the predefined entities and character references', () => {
    expect(decodeEntities('a &lt;b&gt; &amp;&amp; &quot;c&quot; &apos;d&apos; &#233;&#x1F30A;')).toBe('a <b> && "c" \'d\' é🌊');
    expect(decodeEntities('no entities')).toBe('no entities');
  });

  it('maps NUL and surrogates to U+FFFD', () => {
    expect(decodeEntities('a&#0;b&#x0;c&#xD800;d&#56320;e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expect(decodeEntities('raw\u0000nul')).toBe('raw\uFFFDnul');
  });

  it('skips cells and rows in comments', () => {
    const xml = worksheet(
      '<row r="1"><!-- a > b <c r="B1"><v>99</v></c> --><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' +
        '<row r="2"><c r="A2" t="inlineStr"><is><t>y<!-- z --></t></is></c><c r="B2"><v>3<!-- c --></v></c></row>' +
        '<!-- x > <row r="3"><c r="A3"><v>5</v></c></row> -->',
    );
    const expected: Event[] = [
      ['row', 1],
      ['cell', 0, 'inlineStr', 0, 'x'],
      ['end'],
      ['row', 2],
      ['cell', 0, 'inlineStr', 0, 'y'],
      ['cell', 1, 'n', 0, '3'],
      ['end'],
    ];
    expect(scan([xml])).toEqual(expected);
    // A chunk that ends right after the `</row>` inside the last comment does not end a row.
    const split = xml.indexOf('</row> -->') + '</row>'.length;
    expect(scan([xml.slice(0, split), xml.slice(split)])).toEqual(expected);
  });

  it('flags formulas without a cached value', () => {
    const xml = worksheet(
      '<row r="1"><c r="A1"><f>B1+1</f></c><c r="B1"><f t="shared" ref="B1:B2" si="0"/></c><c r="C1"><f>1+1</f><v>2</v></c>' +
        '<c r="D1" t="str"><f>""</f><v></v></c><c r="E1"/><c r="F1" t="inlineStr"><is><t>f</t></is></c></row>',
    );
    const flags: [number | null, string, boolean][] = [];
    const scanner = new SheetXmlScanner({
      rowStart: () => undefined,
      cell: (column, _type, _style, text, uncachedFormula) => flags.push([column, text, uncachedFormula]),
      rowEnd: () => undefined,
    });
    scanner.write(xml);
    scanner.close();
    expect(flags).toEqual([
      [0, '', true],
      [1, '', true],
      [2, '2', false],
      [3, '', false],
      [4, '', false],
      [5, 'f', false],
    ]);
  });

  it('reads CDATA sections as text', () => {
    const xml = worksheet(
      '<row r="1"><c r="A1" t="str"><v><![CDATA[a<b & c]]></v></c><c r="B1" t="inlineStr"><is><t><![CDATA[x</c></row>y]]></t></is></c></row>',
    );
    expect(scan([xml])).toEqual([['row', 1], ['cell', 0, 'str', 0, 'a<b & c'], ['cell', 1, 'inlineStr', 0, 'x</c></row>y'], ['end']]);
  });
});
