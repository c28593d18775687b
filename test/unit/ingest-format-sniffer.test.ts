import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../workers/ingest/format-sniffer.js';

describe('sniffFormat', () => {
  it('reads CSV text as UTF-8', () => {
    expect(sniffFormat(Buffer.from('a,b\n1,2\n'))).toEqual({ kind: 'table', format: 'csv', encoding: 'utf8', sample: 'a,b\n1,2\n' });
  });

  it('reads JSON as GeoJSON whatever the name said', () => {
    expect(sniffFormat(Buffer.from('\uFEFF  {"type":"FeatureCollection"}'))).toMatchObject({ kind: 'table', format: 'geojson' });
  });

  it('falls back to Latin-1 for text that is not UTF-8', () => {
    expect(sniffFormat(Buffer.from('name;temp\nM\xfcnster;12\n', 'latin1'))).toMatchObject({ kind: 'table', encoding: 'latin1', sample: 'name;temp\nMünster;12\n' });
  });

  it('reads UTF-16 little-endian text with its byte-order mark', () => {
    const head = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\n1\t2\n', 'utf16le')]);
    expect(sniffFormat(head)).toMatchObject({ kind: 'table', format: 'csv', encoding: 'utf16le', sample: 'a\tb\n1\t2\n' });
  });

  it('reports empty and whitespace-only files as empty', () => {
    expect(sniffFormat(Buffer.alloc(0))).toEqual({ kind: 'empty' });
    expect(sniffFormat(Buffer.from(' \n\r\n'))).toEqual({ kind: 'empty' });
  });

  it('rejects HTML pages', () => {
    const result = sniffFormat(Buffer.from('<!DOCTYPE html><html><body>Sign in</body></html>'));
    expect(result).toMatchObject({ kind: 'rejected' });
    expect((result as { reason: string }).reason).toContain('HTML');
  });

  it('names known binary formats', () => {
    const xlsx = sniffFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    expect((xlsx as { reason: string }).reason).toContain('ZIP archive');
    const pdf = sniffFormat(Buffer.from('%PDF-1.7\n'));
    expect((pdf as { reason: string }).reason).toContain('PDF');
  });

  it('rejects other binary data', () => {
    expect(sniffFormat(Buffer.from([0x01, 0x02, 0x00, 0x03, 0x04]))).toMatchObject({ kind: 'rejected' });
    expect(sniffFormat(Buffer.from(Array.from({ length: 200 }, (_, index) => (index % 7 === 0 ? 0x01 : 0x41))))).toMatchObject({ kind: 'rejected' });
  });
});
