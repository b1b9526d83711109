#!/usr/bin/env node
// `huddle`: runs the built server (dist/, made by `npm run build`, which `npm install` runs), from any
// directory. Plain Node starts it in ~0.3 s where tsx took 1-3 s per run.
await import('../dist/main.js');
