/**
 * CSV import through the real CLI command and the real HTTP upload, on a real SQLite file.
 */
import fs from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type CliContext } from '../cli.js'
import '../cli-commands.js'
import { findAudit } from '../../db/queries/audit.js'
import { makeUser, sessionCookie } from '../auth/test-helpers.js'
import { startTestServer, tempDir, testDatabase, type TestDatabase, type TestServer } from '../testing/test-server.js'

let s: TestServer
let editorCookie: string
const out: string[] = []
const err: string[] = []
const ctx = (): CliContext => ({ config: s.config, out: (l) => out.push(l), err: (l) => err.push(l), open: async () => s.handle, readStdin: async () => '' })

beforeAll(async () => {
  s = await startTestServer()
  await s.initiative({ slug: 'history', name: 'History', currency: 'USD' })
  await s.initiative({ slug: 'uploads', name: 'Uploads', currency: 'EUR' })
  editorCookie = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'editor@example.com', 'editor', 'editor-password-1'))
})
afterAll(() => s.close())

async function eventsOf(slug: string) {
  return s.handle.db
    .selectFrom('events')
    .innerJoin('initiatives', 'initiatives.id', 'events.initiative_id')
    .select(['events.metric', 'events.quantity', 'events.errors', 'events.total', 'events.client_id'])
    .where('initiatives.slug', '=', slug)
    .execute()
}

function write(name: string, text: string): string {
  const file = path.join(s.dir, name)
  fs.writeFileSync(file, text)
  return file
}

// Line numbers are the file's: line 1 is the header.
const MIXED = [
  'initiative,metric,value,unit,errors,total,occurredAt,id',
  'history,time_saved,90,minutes,,,2026-10-01T09:00:00Z,h-1', // 2 good
  'history,time_saved,-5,minutes,,,2026-10-01T09:00:00Z,', // 3 bad: negative
  'history,error_rate,,,3,2,2026-10-02T09:00:00Z,', // 4 bad: errors > total
  'nowhere,time_saved,1,hours,,,2026-10-02T09:00:00Z,', // 5 bad: unknown initiative
  'history,revenue_influenced,"1,200.50",,,,2026-10-03T09:00:00+02:00,', // 6 bad: thousands separator
  'history,time_saved,1,fortnights,,,2026-10-03 09:00,', // 7 bad: unit and time
  'history,decision_latency,2.5,seconds,,,2026-10-04T09:00:00Z', // 8 bad: a cell missing
  'history,error_rate,,,1,40,2026-10-05T09:00:00Z,', // 9 good
].join('\n') + '\n'

describe('npm run cli -- import', () => {
  it('lists every bad row with its line, column and fix on a dry run, and stores nothing', async () => {
    out.length = 0
    const file = write('mixed.csv', MIXED)
    expect(await runCli(['import', file, '--dry-run'], ctx())).toBe(1)
    const byLine = (n: number) => out.filter((l) => l.startsWith(`line ${n},`) || l.startsWith(`line ${n}:`))
    expect(byLine(2)).toEqual([])
    expect(byLine(3)).toEqual(['line 3, column value: value must be ≥ 0 for time_saved'])
    expect(byLine(4)[0]).toMatch(/^line 4, column errors: errors \(3\) must not exceed total \(2\)/)
    expect(byLine(5)[0]).toMatch(/^line 5, column initiative: initiative "nowhere" is not registered/)
    expect(byLine(6)[0]).toMatch(/^line 6, column value: value must be a number .*no thousands separator/)
    expect(byLine(7).map((l) => l.split(':')[0]).sort()).toEqual(['line 7, column occurredAt', 'line 7, column unit'])
    expect(byLine(8)[0]).toMatch(/^line 8: the row has 7 cells but the header has 8/)
    expect(byLine(9)).toEqual([])
    expect(err.at(-1)).toMatch(/^6 of 8 row\(s\) are bad .*nothing was stored/)
    expect(await eventsOf('history')).toEqual([])
    // Without --dry-run, the same file stores nothing either: it is all or nothing.
    expect(await runCli(['import', file], ctx())).toBe(1)
    expect(await eventsOf('history')).toEqual([])
  })

  it('imports a file once, and a second import of it counts nothing twice', async () => {
    const good = MIXED.split('\n').filter((_, i) => i === 0 || i === 1 || i === 8).join('\n') + '\nhistory,time_saved,0.5,hours,,,2026-10-06T09:00:00Z,\nhistory,time_saved,0.5,hours,,,2026-10-07T09:00:00Z,\n'
    const file = write('good.csv', good)
    out.length = 0
    expect(await runCli(['import', file, '--dry-run'], ctx())).toBe(0)
    expect(await eventsOf('history')).toEqual([])
    expect(await runCli(['import', file], ctx())).toBe(0)
    expect(JSON.parse(out.at(-1)!)).toEqual({ rows: 4, accepted: 4, duplicates: 0 })
    expect(await runCli(['import', file], ctx())).toBe(0)
    expect(JSON.parse(out.at(-1)!)).toEqual({ rows: 4, accepted: 0, duplicates: 4 })
    const rows = await eventsOf('history')
    expect(rows).toHaveLength(4)
    // 90 minutes + 0.5 h + 0.5 h = 150 minutes; 1 error of 40.
    expect(rows.filter((r) => r.metric === 'time_saved').reduce((n, r) => n + r.quantity!, 0)).toBe(150 * 60_000)
    expect(rows.filter((r) => r.metric === 'error_rate').map((r) => [r.errors, r.total])).toEqual([[1, 40]])
  })
})

describe('POST /api/v1/imports (dashboard upload)', () => {
  async function upload(text: string, query = ''): Promise<Record<string, unknown>> {
    const res = await fetch(`${s.url}/api/v1/imports${query}`, { method: 'POST', headers: { cookie: editorCookie, origin: s.url, 'content-type': 'text/csv' }, body: text })
    expect(res.status, await res.clone().text()).toBe(202)
    const started = (await res.json()) as { id: number }
    expect(res.headers.get('location')).toBe(`/api/v1/imports/${started.id}`)
    for (;;) {
      const r = await fetch(`${s.url}/api/v1/imports/${started.id}`, { headers: { cookie: editorCookie } })
      const body = (await r.json()) as Record<string, unknown>
      if (body.status !== 'running') return body
      await new Promise((done) => setTimeout(done, 50))
    }
  }

  it('reports every bad row of an upload to the page and stores nothing; then imports a good one, audited', async () => {
    const bad = await upload(MIXED.replaceAll('history', 'uploads'), '?dryRun=1&name=mixed.csv')
    expect(bad).toMatchObject({ status: 'done', dryRun: true, fileName: 'mixed.csv', rowsRead: 8, badRows: 6, accepted: 0, progress: 1 })
    expect(new Set((bad.problems as Array<{ line: number }>).map((p) => p.line))).toEqual(new Set([3, 4, 5, 6, 7, 8]))
    expect(await eventsOf('uploads')).toEqual([])

    const good = 'initiative,metric,value,occurredAt\nuploads,revenue_influenced,19.99,2026-10-01T09:00:00Z\nuploads,revenue_influenced,5.01,2026-10-02T09:00:00Z\n'
    const done = await upload(good, '?name=revenue.csv')
    expect(done).toMatchObject({ status: 'done', dryRun: false, rowsRead: 2, accepted: 2, duplicates: 0, badRows: 0 })
    expect((await eventsOf('uploads')).reduce((n, r) => n + r.quantity!, 0)).toBe(2500)
    const audit = await findAudit(s.handle.db, { entity: 'event' })
    expect(audit[0]).toMatchObject({ actor: 'editor@example.com', action: 'import' })
  })

  it('refuses a body that is not CSV with 415 and a viewer with 403', async () => {
    const json = await fetch(`${s.url}/api/v1/imports`, { method: 'POST', headers: { cookie: editorCookie, origin: s.url, 'content-type': 'application/json' }, body: '{}' })
    expect(json.status).toBe(415)
    const viewer = await sessionCookie(s.handle.db, await makeUser(s.handle.db, 'viewer@example.com', 'viewer', 'viewer-password-1'))
    const denied = await fetch(`${s.url}/api/v1/imports`, { method: 'POST', headers: { cookie: viewer, origin: s.url, 'content-type': 'text/csv' }, body: 'a' })
    expect(denied.status).toBe(403)
  })
})

/** Runs the CLI as its own process, sampling its peak resident memory (VmHWM) from /proc. */
function runCliProcess(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string; peakMb: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env: { ...process.env, ...env }, cwd: process.cwd() })
    let stdout = ''
    let stderr = ''
    let peakKb = 0
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) peakKb = Math.max(peakKb, Number(m[1]))
      } catch {
        // the process has ended
      }
    }
    const timer = setInterval(sample, 100)
    child.on('exit', (code) => {
      clearInterval(timer)
      resolve({ code: code ?? 1, stdout, stderr, peakMb: peakKb / 1024 })
    })
  })
}

const FULL = process.env.YARDSTICK_SLOW_TESTS === '1'

describe('a 1,000,000-row file', () => {
  it(FULL ? 'checks and imports it streamed, with progress, in bounded memory' : 'checks every row streamed, with progress, in bounded memory (the full import: YARDSTICK_SLOW_TESTS=1)', async () => {
    const dir = tempDir('yardstick-import-1m-')
    let tdb: TestDatabase | undefined
    try {
      const file = path.join(dir, 'big.csv')
      const fd = fs.openSync(file, 'w')
      fs.writeSync(fd, 'initiative,metric,value,unit,occurredAt\n')
      const start = Date.UTC(2025, 0, 1)
      let expectedMinutes = 0
      for (let block = 0; block < 100; block++) {
        let text = ''
        for (let i = block * 10_000; i < (block + 1) * 10_000; i++) {
          const minutes = (i % 60) + 1
          expectedMinutes += minutes
          text += `big,time_saved,${minutes},minutes,${new Date(start + i * 30_000).toISOString()}\n`
        }
        fs.writeSync(fd, text)
      }
      fs.closeSync(fd)
      tdb = await testDatabase(dir, 'big.db')
      const env = tdb.env
      expect((await runCliProcess(['initiatives', 'create', '--slug', 'big', '--name', 'Big'], env)).code).toBe(0)
      // Every row is read, parsed and checked against the initiative, streamed: the check pass of an import.
      const dry = await runCliProcess(['import', file, '--dry-run'], env)
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stderr).toContain('dry run: all 1,000,000 row(s) are valid; nothing was stored')
      const progress = dry.stderr.split('\n').filter((l) => /^checking: \d+% \([\d,]+ rows/.test(l))
      expect(progress.length).toBeGreaterThanOrEqual(2)
      process.stderr.write(`1M-row dry run: peak RSS ${dry.peakMb.toFixed(0)} MB, ${progress.length} progress lines (file ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB)\n`)
      expect(dry.peakMb).toBeLessThan(400)
      if (!FULL) return
      // Storing a million events is bound by SQLite's inserts (measured in npm run bench); opt in with YARDSTICK_SLOW_TESTS=1.
      const r = await runCliProcess(['import', file], env)
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ rows: 1_000_000, accepted: 1_000_000, duplicates: 0 })
      expect(r.stderr.split('\n').filter((l) => /^storing: \d+%/.test(l)).length).toBeGreaterThanOrEqual(1)
      process.stderr.write(`1M-row import: peak RSS ${r.peakMb.toFixed(0)} MB\n`)
      expect(r.peakMb).toBeLessThan(400)
      const { openDatabase } = await import('../../db/connection.js')
      const h = openDatabase(tdb.target)
      const sum = await h.db.selectFrom('events').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('quantity').as('q')]).executeTakeFirstOrThrow()
      await h.close()
      expect(Number(sum.n)).toBe(1_000_000)
      expect(Number(sum.q)).toBe(expectedMinutes * 60_000)
    } finally {
      await tdb?.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 240_000)
})
