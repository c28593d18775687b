import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../workers/ingest/format-sniffer.js';

describe('sniffFormat', () => {
  it('reads CSV text as UTF-8', () => {
    expect(sniffFormat(Buffer.from('a,b\n1,2\n'))).toEqual({ kind: 'text', format: 'csv', encoding: 'utf-8', sample: 'a,b\n1,2\n' });
  });

  it('reads JSON as GeoJSON whatever the name said', () => {
    expect(sniffFormat(Buffer.from('\uFEFF  {"type":"FeatureCollection"}'))).toMatchObject({ kind: 'text', format: 'geojson' });
  });

  it('falls back to Windows-1252 for text that is not UTF-8', () => {
    expect(sniffFormat(Buffer.from('name;temp\nM\xfcnster;12\n', 'latin1'))).toMatchObject({ kind: 'text', encoding: 'windows-1252', sample: 'name;temp\nMünster;12\n' });
  });

  it('reads UTF-16 little-endian text with its byte-order mark', () => {
    const head = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\tb\n1\t2\n', 'utf16le')]);
    expect(sniffFormat(head)).toMatchObject({ kind: 'text', format: 'csv', encoding: 'utf-16le', sample: 'a\tb\n1\t2\n' });
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

  it('reads UTF-16 without a byte-order mark and UTF-16 big-endian', () => {
    expect(sniffFormat(Buffer.from('name,depth\nA,1\n', 'utf16le'))).toMatchObject({ kind: 'text', encoding: 'utf-16le', sample: 'name,depth\nA,1\n' });
    const bigEndian = Buffer.from('name,depth\n', 'utf16le').swap16();
    expect(sniffFormat(Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian]))).toMatchObject({ kind: 'text', encoding: 'utf-16be', sample: 'name,depth\n' });
  });

  it('names known binary formats and hands ZIP containers to the ZIP reader', () => {
    expect(sniffFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toEqual({ kind: 'zip' });
    // An archive without entries starts with the end of its central directory.
    expect(sniffFormat(Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]))).toEqual({ kind: 'zip' });
    const pdf = sniffFormat(Buffer.from('%PDF-1.7\n'));
    expect((pdf as { reason: string }).reason).toContain('PDF');
  });

  it('rejects other binary data', () => {
    expect(sniffFormat(Buffer.from([0x01, 0x02, 0x00, 0x03, 0x04]))).toMatchObject({ kind: 'rejected' });
    expect(sniffFormat(Buffer.from(Array.from({ length: 200 }, (_, index) => (index % 7 === 0 ? 0x01 : 0x41))))).toMatchObject({ kind: 'rejected' });
  });
});
