import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The protocol names live outside this folder, in ../internal/protocol/wire.js
// (generated from the Go package); the dev server must be allowed to serve it.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The Go server serves dist/ at /dashboard/ (SPA fallback to index.html);
// /api and /ws live on the same origin.
export default defineConfig({
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
