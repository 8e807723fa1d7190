/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` in a temporary folder (as the
 * `postgres` user when run as root: PostgreSQL refuses to run as root), `pg_ctl` on a free loopback
 * port, everything removed by `stop()`. Where PostgreSQL is not installed, `findPgBin()` is null and
 * callers report the PostgreSQL variants as skipped with {@link PG_INSTALL_HINT}.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { execFileSync, spawnSync } from 'node:child_process'
import pg from 'pg'

/** The one command that installs PostgreSQL on Debian (what .ci/run does). */
export const PG_INSTALL_HINT = 'apt-get update && apt-get install -y postgresql'

/**
 * The folder holding initdb and pg_ctl: PG_BIN if set, else the newest /usr/lib/postgresql/N/bin
 * (Debian's layout), else `pg_config --bindir`; null when none has initdb.
 */
export function findPgBin(): string | null {
  const candidates: string[] = []
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN)
  try {
    const versions = fs.readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    for (const v of versions) candidates.push(`/usr/lib/postgresql/${v}/bin`)
  } catch {
    // not Debian's layout
  }
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  if (r.status === 0) candidates.push(r.stdout.trim())
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) ?? null
}

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: the cluster's admin database. */
  adminUrl: string
  port: number
  dir: string
  /** Creates an empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>
  /** Drops a database made by createDatabase (closing any connections left to it). */
  dropDatabase(url: string): Promise<void>
  /** Stops the server at once and removes the folder. */
  stop(): void
}

async function asAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

let created = 0

/**
 * Creates an empty database (or a copy of `template`, which must have no open connections) on the
 * cluster of `adminUrl` and returns its URL.
 * @example const url = await createDatabase(adminUrl, { template: 'yardstick_template' })
 */
export async function createDatabase(adminUrl: string, opts: { prefix?: string; template?: string } = {}): Promise<string> {
  const name = `${opts.prefix ?? 'ys'}_${process.pid}_${++created}_${Math.random().toString(36).slice(2, 8)}`
  if (opts.template !== undefined && !/^\w+$/.test(opts.template)) throw new Error(`bad template name ${opts.template}`)
  await asAdmin(adminUrl, (c) => c.query(`create database ${name}${opts.template ? ` template ${opts.template}` : ''}`))
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  return u.toString()
}

/** Drops a database made by createDatabase, closing any connections left to it. */
export async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1)
  if (!/^\w+$/.test(name)) return
  await asAdmin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`))
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/** Runs a PostgreSQL binary as the postgres user when we are root, else as ourselves. */
function runPg(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() })
}

/**
 * Starts a cluster tuned for tests (no fsync: a test never survives a power cut) and returns it once
 * it accepts connections.
 * @example const c = await startPgCluster(); const url = await c.createDatabase(); … c.stop()
 */
export async function startPgCluster(opts: { bin?: string; fsync?: boolean; maxConnections?: number } = {}): Promise<PgCluster> {
  const bin = opts.bin ?? findPgBin()
  if (!bin) throw new Error(`PostgreSQL is not installed; install it with: ${PG_INSTALL_HINT}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yardstick-pg-'))
  const data = path.join(dir, 'data')
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir])
  let stopped = false
  const stopNow = () => {
    if (stopped) return
    stopped = true
    process.off('exit', stopNow)
    try {
      runPg(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'])
    } catch {
      // not running
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  // A caller that exits without stop() (an exception, process.exit) still leaves nothing running.
  process.once('exit', stopNow)
  try {
    runPg(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
    let port = 0
    for (let attempt = 0; ; attempt++) {
      port = await freePort()
      const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", `-c max_connections=${opts.maxConnections ?? 200}`, '-c shared_buffers=64MB']
      if (opts.fsync !== true) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off')
      try {
        runPg(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o', settings.join(' '), 'start'])
        break
      } catch (e) {
        // The port may have been taken between freePort and the server's bind; try another.
        if (attempt >= 3) throw new Error(`pg_ctl start failed: ${fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8').slice(-2000) : (e as Error).message}`)
      }
    }
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`
    return {
      adminUrl,
      port,
      dir,
      createDatabase: (prefix) => createDatabase(adminUrl, { prefix }),
      dropDatabase: (url) => dropDatabase(adminUrl, url),
      stop: stopNow,
    }
  } catch (e) {
    stopNow()
    throw e
  }
}
