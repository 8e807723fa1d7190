/**
 * The writer thread: owns its own connection and commits queued rows with group commit. The main
 * thread keeps parsing and validating requests while this thread waits for fsync.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/connection.js'
import { EventWriter } from './event-writer.js'
import { unpackEventRow, type PackedEventRow } from '../../db/queries/events.js'

type Message = { type: 'submit'; id: number; rows: PackedEventRow[]; keyId: number | null } | { type: 'close' }

const { file, sync } = workerData as { file: string; sync: 'full' | 'normal' }
const handle = openDatabase(file, { sync })
const writer = new EventWriter(handle.db)
const port = parentPort!

port.on('message', (msg: Message) => {
  if (msg.type === 'submit') {
    writer.submit(msg.rows.map(unpackEventRow), msg.keyId).then(
      (result) => port.postMessage({ id: msg.id, ok: true, result, commits: writer.stats.commits }),
      (err: unknown) => {
        const e = err as { message?: string; code?: string }
        port.postMessage({ id: msg.id, ok: false, error: { message: String(e?.message ?? err), code: typeof e?.code === 'string' ? e.code : undefined } })
      },
    )
  } else if (msg.type === 'close') {
    void writer
      .close()
      .then(() => handle.close())
      .then(() => port.postMessage({ type: 'closed' }))
  }
})
port.postMessage({ type: 'ready' })
