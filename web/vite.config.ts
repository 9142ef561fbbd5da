import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The dev server proxies the API so `npx vite web` works beside `npm start`.
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false },
  server: {
    proxy: {
      '/api': process.env['AREA_URL'] ?? 'http://127.0.0.1:3000',
      '/hooks': process.env['AREA_URL'] ?? 'http://127.0.0.1:3000',
    },
  },
  logLevel: 'warn',
});
