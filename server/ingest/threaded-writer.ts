/**
 * The main thread's side of the writer thread: the same interface as EventWriter. Rows go to the
 * thread; each submit resolves once the thread has committed them.
 */
import { Worker } from 'node:worker_threads'
import { packEventRow, type EventRow } from '../../db/queries/events.js'
import type { EventSink, WriteResult } from './event-writer.js'
import { RollupError, type RollupOptions, type RollupResult } from '../rollup/rollup-job.js'

interface Pending {
  resolve: (r: WriteResult) => void
  reject: (e: unknown) => void
}

export class ThreadedEventWriter implements EventSink {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private readonly rollups = new Map<number, { resolve: (r: RollupResult) => void; reject: (e: unknown) => void }>()
  private nextId = 1
  private closed = false
  private lastCommit = 0
  private readyPromise: Promise<void> = Promise.resolve()
  /** Submits of this turn of the event loop, posted to the thread as one message. */
  private outgoing: Array<{ id: number; rows: unknown[]; keyId: number | null }> = []
  readonly stats = { commits: 0, rows: 0, requests: 0 }

  constructor(private readonly opts: { file: string; sync: 'full' | 'normal' }) {
    this.start()
  }

  private start(): Worker {
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), {
      workerData: { entry: new URL('./writer-worker.ts', import.meta.url).href, file: this.opts.file, sync: this.opts.sync },
    })
    this.readyPromise = new Promise<void>((resolve, reject) => {
      const onMessage = (m: { type?: string }) => {
        if (m.type === 'ready') {
          worker.off('message', onMessage)
          resolve()
        }
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the writer thread stopped before it was ready (exit ${code})`)))
    })
    this.readyPromise.catch(() => {})
    const settle = (msg: { id: number; ok: boolean; result?: WriteResult; commits?: number; error?: { message: string; code?: string } }) => {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      if (msg.ok) {
        if (msg.commits !== this.lastCommit) {
          this.stats.commits++
          this.lastCommit = msg.commits!
        }
        this.stats.requests++
        this.stats.rows += msg.result!.accepted + msg.result!.duplicates
        p.resolve(msg.result!)
      } else {
        p.reject(Object.assign(new Error(msg.error!.message), { code: msg.error!.code }))
      }
    }
    worker.on('message', (msg: { type?: string; batch?: Array<Parameters<typeof settle>[0]>; id?: number; ok?: boolean; result?: RollupResult; error?: { message: string; rollup: boolean } }) => {
      if (msg.type === 'replies') for (const r of msg.batch!) settle(r)
      else if (msg.type === 'rollup-done') {
        const p = this.rollups.get(msg.id!)
        this.rollups.delete(msg.id!)
        if (!p) return
        if (msg.ok) p.resolve(msg.result!)
        else p.reject(msg.error!.rollup ? new RollupError(msg.error!.message) : new Error(msg.error!.message))
      }
    })
    const failAll = (err: unknown) => {
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
      for (const p of this.rollups.values()) p.reject(err)
      this.rollups.clear()
      if (this.worker === worker) this.worker = null
    }
    worker.on('error', failAll)
    worker.on('exit', (code) => failAll(Object.assign(new Error(`the writer thread stopped (exit ${code})`), { code: 'SQLITE_IOERR' })))
    this.worker = worker
    return worker
  }

  ready(): Promise<void> {
    return this.readyPromise
  }

  submit(rows: EventRow[], keyId: number | null): Promise<WriteResult> {
    if (this.closed) return Promise.reject(new Error('the event writer is closed'))
    const worker = this.worker ?? this.start()
    const id = this.nextId++
    return new Promise<WriteResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      if (this.outgoing.length === 0) {
        setImmediate(() => {
          const batch = this.outgoing
          this.outgoing = []
          worker.postMessage({ type: 'submit', batch })
        })
      }
      this.outgoing.push({ id, rows: rows.map(packEventRow), keyId })
    })
  }

  rollup(options: Pick<RollupOptions, 'timezone' | 'leaseMs' | 'stepIds'>): Promise<RollupResult> {
    if (this.closed) return Promise.reject(new Error('the event writer is closed'))
    const worker = this.worker ?? this.start()
    const id = this.nextId++
    return new Promise<RollupResult>((resolve, reject) => {
      this.rollups.set(id, { resolve, reject })
      worker.postMessage({ type: 'rollup', id, options })
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    if (!worker) return
    await new Promise<void>((resolve) => {
      const done = () => resolve()
      worker.once('exit', done)
      worker.on('message', (m: { type?: string }) => {
        if (m.type === 'closed') void worker.terminate()
      })
      worker.postMessage({ type: 'close' })
    })
    this.worker = null
  }
}
