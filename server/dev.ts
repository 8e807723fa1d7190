/**
 * `npm run dev`: the API server with reload (tsx watch, on PORT, default 3000) and the Vite dev server
 * for the dashboard with hot reload (http://localhost:5173, proxying /api to the API server).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name)

const children = [
  spawn(bin('tsx'), ['watch', 'server/main.ts', '--dev'], { cwd: root, stdio: 'inherit' }),
  spawn(bin('vite'), ['--config', 'vite.config.ts', '--strictPort', '--port', '5173'], { cwd: root, stdio: 'inherit' }),
]
console.log('dashboard with hot reload: http://localhost:5173 (API on http://localhost:3000)')

const stop = () => {
  for (const c of children) c.kill('SIGTERM')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const c of children) c.on('exit', (code) => {
  stop()
  process.exitCode = code ?? 0
})
