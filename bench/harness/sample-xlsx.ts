import ExcelJS from 'exceljs';

/**
 * Writes an XLSX workbook of `rows` data rows and 20 columns (a name, latitude, longitude, a
 * date-formatted sampling date and 16 measurements) with exceljs's streaming writer, and returns
 * the number of cells written, header included. The same seed gives the same values.
 */
export async function writeSampleXlsx(file: string, rows: number, seed = 20261205): Promise<number> {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const sheet = workbook.addWorksheet('Samples');
  const measurements = Array.from({ length: 16 }, (_, index) => `m${index + 1}`);
  sheet.columns = [
    { header: 'name', key: 'name' },
    { header: 'lat', key: 'lat' },
    { header: 'lon', key: 'lon' },
    { header: 'sampling date', key: 'date', style: { numFmt: 'yyyy-mm-dd' } },
    ...measurements.map((key) => ({ header: key, key })),
  ];
  const start = Date.UTC(2020, 0, 1);
  for (let row = 1; row <= rows; row += 1) {
    const values: Record<string, unknown> = {
      name: `X-${String(row).padStart(6, '0')}`,
      lat: Math.round((random() * 180 - 90) * 1e5) / 1e5,
      lon: Math.round((random() * 360 - 180) * 1e5) / 1e5,
      date: new Date(start + (row % 1500) * 86_400_000),
    };
    for (const key of measurements) values[key] = Math.round(random() * 1e4) / 100;
    sheet.addRow(values).commit();
  }
  sheet.commit();
  await workbook.commit();
  return (rows + 1) * 20;
}
