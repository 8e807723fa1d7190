/**
 * `npm run bench`: every figure beside a raw baseline measured in the same run; writes
 * bench/results.json and prints a table. `npm run bench -- ingest` runs one part.
 */
import fs from 'node:fs'
import path from 'node:path'
import { machine, root, type BenchResult } from './lib.js'
import { runIngestBench } from './ingest.js'

type Part = { name: string; run: (log: (m: string) => void) => Promise<BenchResult[]> }

const parts: Part[] = [{ name: 'ingest', run: (log) => runIngestBench(log) }]

async function optionalPart(name: string, file: string, exportName: string): Promise<void> {
  if (!fs.existsSync(path.join(root, 'bench', file))) return
  const mod = (await import(`./${file.replace(/\.ts$/, '.js')}`)) as Record<string, (log: (m: string) => void) => Promise<BenchResult[]>>
  if (typeof mod[exportName] === 'function') parts.push({ name, run: (log) => mod[exportName](log) })
}

async function main() {
  await optionalPart('rollup', 'rollup.ts', 'runRollupBench')
  await optionalPart('faults', 'faults.ts', 'runFaultBench')
  await optionalPart('load', 'load.ts', 'runLoadBench')
  await optionalPart('dashboard', 'dashboard.ts', 'runDashboardBench')
  const only = process.argv.slice(2)
  const results: BenchResult[] = []
  for (const part of parts) {
    if (only.length > 0 && !only.includes(part.name)) continue
    console.log(`\n== ${part.name}`)
    results.push(...(await part.run((m) => console.log(m))))
  }
  const out = { machine: machine(), at: new Date().toISOString(), results }
  fs.writeFileSync(path.join(root, 'bench', 'results.json'), JSON.stringify(out, null, 2) + '\n')
  console.log('\n' + ['name', 'value', 'baseline', 'ratio'].join('\t'))
  for (const r of results) console.log(`${r.name}\t${r.value} ${r.unit}\t${r.baseline.value} ${r.baseline.unit} (${r.baseline.name})\t${r.ratio}`)
  console.log(`\nwritten to bench/results.json`)
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
