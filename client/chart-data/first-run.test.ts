import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEMO_SCENARIOS } from '../../server/demo/scenarios.js'
import { FIRST_SLUG, firstRunCommands } from './first-run.js'

const readme = fs.readFileSync(path.resolve('README.md'), 'utf8')

describe('first-run commands', () => {
  it('are the README\'s, line for line', () => {
    const c = firstRunCommands('http://localhost:3000', '2026-11-24T09:00:00Z')
    for (const block of [c.register, c.key, c.event]) expect(readme).toContain(block)
  })

  it('use a slug the demo data does not, so they work after loading the demo', () => {
    expect(DEMO_SCENARIOS.map((s) => s.slug)).not.toContain(FIRST_SLUG)
  })

  it('give the event an id, so a retry is counted once', () => {
    expect(firstRunCommands('http://x', '2026-01-01T00:00:00Z').event).toMatch(/"id":"[^"]+"/)
  })

  it('link only to files inside the repository', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l))
    expect(links.length).toBeGreaterThan(0)
    for (const l of links) {
      expect(path.resolve(l).startsWith(path.resolve('.') + path.sep), l).toBe(true)
      expect(fs.existsSync(path.resolve(l)), l).toBe(true)
    }
  })
})
