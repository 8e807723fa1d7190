/**
 * The reader thread: owns its own read connection and rollup read cache, and answers outcome reads
 * posted by the main thread (see reader.ts). Reads run concurrently as they arrive; each is one
 * snapshot (a read transaction) on this connection.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../db/connection.js'
import { runRead, toWire, type ReadRequest } from './reader.js'

const { file, sync, timezone } = workerData as { file: string; sync: 'full' | 'normal'; timezone: string }
const handle = openDatabase(file, { sync })
const port = parentPort!
const log = (message: string) => port.postMessage({ type: 'log', message })

port.on('message', (msg: { id: number; req: ReadRequest }) => {
  runRead(handle.db, { timezone }, msg.req, log).then(
    (value) => port.postMessage({ type: 'reply', id: msg.id, ok: true, value }),
    (e: unknown) => port.postMessage({ type: 'reply', id: msg.id, ok: false, error: toWire(e) }),
  )
})
port.postMessage({ type: 'ready' })
