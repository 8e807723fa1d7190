#!/usr/bin/env node
// The package's `yardstick` bin: runs the TypeScript CLI through tsx.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const tsx = path.join(root, 'node_modules', '.bin', 'tsx')
const r = spawnSync(tsx, [path.join(root, 'server', 'cli.ts'), ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(r.status ?? 1)
