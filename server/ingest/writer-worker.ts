/**
 * The writer thread: owns its own connection and commits queued rows with group commit. The main
 * thread keeps parsing and validating requests while this thread waits for fsync. Messages are
 * batched both ways (one per turn of each event loop), since each message has a fixed cost.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/connection.js'
import { EventWriter, type WriteResult } from './event-writer.js'
import { unpackEventRow, type PackedEventRow } from '../../db/queries/events.js'
import { RollupError, rollupPending, type RollupOptions } from '../rollup/rollup-job.js'

type Submit = { id: number; rows: PackedEventRow[]; keyId: number | null }
type Message = { type: 'submit'; batch: Submit[] } | { type: 'close' } | { type: 'rollup'; id: number; options: Pick<RollupOptions, 'timezone' | 'leaseMs' | 'stepIds'> }
type Reply = { id: number; ok: true; result: WriteResult; commits: number } | { id: number; ok: false; error: { message: string; code?: string } }

const { file, sync } = workerData as { file: string; sync: 'full' | 'normal' }
const handle = openDatabase(file, { sync })
const writer = new EventWriter(handle.db)
const port = parentPort!

let replies: Reply[] = []
function reply(r: Reply) {
  if (replies.length === 0) {
    setImmediate(() => {
      const batch = replies
      replies = []
      port.postMessage({ type: 'replies', batch })
    })
  }
  replies.push(r)
}

function submit(one: Submit) {
  writer.submit(one.rows.map(unpackEventRow), one.keyId).then(
    (result) => reply({ id: one.id, ok: true, result, commits: writer.stats.commits }),
    (err: unknown) => {
      const e = err as { message?: string; code?: string }
      reply({ id: one.id, ok: false, error: { message: String(e?.message ?? err), code: typeof e?.code === 'string' ? e.code : undefined } })
    },
  )
}

port.on('message', (msg: Message) => {
  if (msg.type === 'submit') {
    for (const one of msg.batch) submit(one)
  } else if (msg.type === 'rollup') {
    rollupPending(handle.db, msg.options).then(
      (result) => port.postMessage({ type: 'rollup-done', id: msg.id, ok: true, result }),
      (err: unknown) => port.postMessage({ type: 'rollup-done', id: msg.id, ok: false, error: { message: err instanceof Error ? err.message : String(err), rollup: err instanceof RollupError } }),
    )
  } else if (msg.type === 'close') {
    void writer
      .close()
      .then(() => handle.close())
      .then(() => port.postMessage({ type: 'closed' }))
  }
})
port.postMessage({ type: 'ready' })
