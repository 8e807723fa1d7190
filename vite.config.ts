import path from 'node:path'
import { build, defineConfig, type Plugin } from 'vite'

const outDir = path.resolve('dist/client')

/**
 * After the dashboard is built, builds client/embed.ts as one self-contained classic script,
 * /embed.js, that another tool's page loads with a plain <script src>.
 */
function embedBundle(): Plugin {
  let dir = outDir
  return {
    name: 'yardstick-embed-bundle',
    apply: 'build',
    configResolved(c) {
      dir = path.resolve(c.root, c.build.outDir)
    },
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          outDir: dir,
          emptyOutDir: false,
          copyPublicDir: false,
          minify: true,
          lib: { entry: path.resolve('client/embed.ts'), formats: ['iife'], name: 'YardstickEmbed', fileName: () => 'embed.js' },
        },
      })
    },
  }
}

/** Builds the dashboard (client/index.html) and the embeddable bundle (client/embed.ts → /embed.js). */
export default defineConfig({
  root: 'client',
  plugins: [embedBundle()],
  build: {
    outDir,
    emptyOutDir: true,
    // .vite/manifest.json: the server preloads each page's chunks from it (server/app.ts).
    manifest: true,
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
