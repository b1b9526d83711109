#!/usr/bin/env node
// `huddle`: runs the TypeScript entry through tsx (a dependency of this package), from any directory.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
