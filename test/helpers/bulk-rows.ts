import pg from 'pg';

/**
 * Inserts `count` rows named `<prefix><n>` (n from 0) at the end of a dataset in one SQL
 * statement, in name order, with `depth_m` set to n. Fast enough for 100,000 rows in a test's
 * set-up; the statement-level triggers keep the dataset's counts. No change-log entry is written,
 * so clients must load the rows after this returns.
 */
export async function insertBulkRows(databaseUrl: string, datasetId: string, count: number, prefix = 'R'): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO samples (dataset_id, name, values)
       SELECT $1, $2 || n, jsonb_build_object('depth_m', n)
       FROM generate_series(0, $3::int - 1) AS n
       ORDER BY n`,
      [datasetId, prefix, count],
    );
  } finally {
    await client.end();
  }
}
