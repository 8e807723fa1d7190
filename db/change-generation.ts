/**
 * A process-local counter bumped by every change to keys and initiatives (made through db/queries),
 * so in-memory lookups on the ingest path know when to reload. Changes made by other processes are
 * seen through SQLite's `PRAGMA data_version` (see connection.ts `dataVersionOf`).
 */
let generation = 0

export function noteChange(): void {
  generation++
}

export function changeGeneration(): number {
  return generation
}
