import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// Served by huddle under /console. `npm run dev -w @huddle/console` proxies the API to a huddle on
// its default port.
const API = 'http://127.0.0.1:10002';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  // @huddle/protocol's TypeScript (its "source" export condition), only the subpaths imported here.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: Object.fromEntries(
      ['/auth', '/user', '/group', '/callback', '/stats', '/openapi.json'].map((p) => [p, API]),
    ),
  },
});
