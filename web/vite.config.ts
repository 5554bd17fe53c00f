import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the web UI into dist/web, where `dialstate serve` finds it (src/http/web-ui.ts).
 * In development, `vite --config web/vite.config.ts` proxies the API to a running server.
 */
export default defineConfig({
  root: here('.'),
  plugins: [solid()],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a source map costs little and makes field reports readable.
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': process.env.DIALSTATE_API_URL ?? 'http://127.0.0.1:3000',
    },
  },
});
