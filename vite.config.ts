import { defineConfig } from 'vite'

/** Builds the dashboard (client/index.html) and the embeddable bundle (client/embed.ts → /embed.js). */
export default defineConfig({
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    rollupOptions: {
      input: {
        main: 'client/index.html',
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' },
  },
})
