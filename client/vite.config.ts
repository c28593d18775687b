import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const clientRoot = path.dirname(fileURLToPath(import.meta.url));

/** The server that `vite` (the dev server) forwards API and Socket.IO requests to, such as a running `npm run dev:server`. */
const apiTarget = process.env.FAIRPORT_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: clientRoot,
  plugins: [solid()],
  build: {
    outDir: path.join(clientRoot, 'dist'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/socket.io': { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
});
