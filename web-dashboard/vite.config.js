import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

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
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
