// The entry point of `npm start` and of the `huddle` command (bin/huddle.js): see cli.ts.
//
//   npm start                      huddle serve: API and delivery on 127.0.0.1:10002, SQLite in ./data
//   huddle serve --no-worker       API only (PostgreSQL)
//   huddle worker                  delivery only (PostgreSQL)

import { runCli } from './cli.js';

runCli(process.argv).catch((err: unknown) => {
  console.error('huddle failed to start:', err);
  process.exit(1);
});
