import { SaxesParser } from 'saxes';
import { ZipArchiveError } from './zip-archive.js';

/**
 * Creates a SAX parser for one XML part of a workbook, such as `content.xml` or
 * `xl/sharedStrings.xml`. A part that is not well-formed XML raises a ZipArchiveError naming the
 * part, so the import fails with that reason at once instead of being retried as an internal error.
 * saxes does not expand entities declared in a DTD, so an entity-expansion ("billion laughs") part
 * fails here as an undefined entity.
 */
export function xmlPartParser(part: string): SaxesParser {
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('error', (error) => {
    const reason = error.message.replace(/\.$/, '');
    throw new ZipArchiveError(`the workbook part "${part}" is not well-formed XML (${reason}); open the file in a spreadsheet program, save it again and upload it`);
  });
  return parser;
}
