// The raw baseline for single-event ingest: an Express hello-world JSON POST on the same machine.
import type { AddressInfo } from 'node:net'
import express from 'express'

const app = express()
app.disable('x-powered-by')
app.use(express.json())
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }))
app.post('/api/v1/events', (req, res) => res.status(202).json({ accepted: req.body ? 1 : 0, duplicates: 0 }))
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`serving on http://localhost:${(server.address() as AddressInfo).port}`)
})
