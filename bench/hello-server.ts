// The raw baseline for single-event ingest: an Express hello-world JSON POST on the same machine.
import express from 'express'

const app = express()
app.disable('x-powered-by')
app.use(express.json())
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }))
app.post('/api/v1/events', (req, res) => res.status(202).json({ accepted: req.body ? 1 : 0, duplicates: 0 }))
app.listen(Number(process.env.PORT), '127.0.0.1')
