// One value of the settings table, read over a single connection without opening a store (which
// would migrate): for `huddle` commands that only need the admin secret a server keeps there.

import pg from 'pg';

/** The setting's value, or undefined when the table holds none; throws when the database cannot be read. */
export async function readPostgresSetting(url: string, key: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  } finally {
    await client.end().catch(() => {});
  }
}
