import fs from 'node:fs'
import path from 'node:path'

function newestMtime(dir: string): number {
  let newest = 0
  if (!fs.existsSync(dir)) return 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'e2e' || entry.name.endsWith('.test.ts')) continue
    const p = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs)
  }
  return newest
}

/**
 * Builds the dashboard with Vite when dist/client is missing or older than client/.
 * @example await buildClientIfNeeded(console.log)
 */
export async function buildClientIfNeeded(log: (m: string) => void, root = process.cwd()): Promise<void> {
  const src = path.join(root, 'client')
  const index = path.join(root, 'dist', 'client', 'index.html')
  if (!fs.existsSync(path.join(src, 'index.html'))) return
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(src)) return
  log('building the dashboard (first start, or client/ changed)…')
  const { build } = await import('vite')
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' })
  log('dashboard built')
}
