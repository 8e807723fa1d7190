// Boots a TypeScript worker entry (workerData.entry) under tsx, the same loader `npm start` uses.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
