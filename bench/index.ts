/**
 * `npm run bench`: every figure beside a raw baseline measured in the same run; writes
 * bench/results.json and prints a table. `npm run bench -- ingest` runs one part (ingest, otlp, rollup,
 * rollup-fold, rollup-query, faults, load, lighthouse, postgres: the PostgreSQL column, scale: 100M events,
 * run only by name, with `--events N` or `--scale F`, `--dir D`, `--clean`; see bench/scale.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { machine, root, type BenchResult } from './lib.js'
import { runFaultBench } from './faults.js'
import { runIngestBench } from './ingest.js'
import { runLighthouseBench } from './lighthouse.js'
import { runLoadBench } from './load.js'
import { runOtlpBench } from './otlp.js'
import { runRollupBench } from './rollup.js'
import { runPostgresBench } from './postgres.js'
import { runScaleBench, scaleOptions } from './scale.js'

type Part = { name: string; run: (log: (m: string) => void) => Promise<BenchResult[]> }

/** In the order they run; `rollup-fold` and `rollup-query` are the two halves of `rollup`. */
const parts: Part[] = [
  { name: 'ingest', run: (log) => runIngestBench(log) },
  { name: 'otlp', run: (log) => runOtlpBench(log) },
  { name: 'rollup', run: (log) => runRollupBench(log) },
  { name: 'rollup-fold', run: (log) => runRollupBench(log, 'fold') },
  { name: 'rollup-query', run: (log) => runRollupBench(log, 'query') },
  { name: 'faults', run: (log) => runFaultBench(log) },
  { name: 'load', run: (log) => runLoadBench(log) },
  { name: 'lighthouse', run: (log) => runLighthouseBench(log) },
  { name: 'postgres', run: (log) => runPostgresBench(log) },
  { name: 'scale', run: (log) => runScaleBench(log, scaleOptions(process.argv.slice(2))) },
]

/** Run only when named: hours and tens of gigabytes at full size. */
const ONLY_BY_NAME = new Set(['scale'])

/** Part names among the arguments: flags (`--x`) and the values after flags that take one are skipped. */
function partNames(argv: string[]): string[] {
  const withValue = new Set(['--events', '--scale', '--dir'])
  return argv.filter((a, k) => !a.startsWith('--') && !withValue.has(argv[k - 1]))
}

async function main() {
  const only = partNames(process.argv.slice(2))
  const unknown = only.filter((n) => !parts.some((p) => p.name === n))
  if (unknown.length > 0) throw new Error(`no bench part ${unknown.map((n) => `"${n}"`).join(', ')}; parts: ${parts.map((p) => p.name).join(', ')}`)
  const results: BenchResult[] = []
  for (const part of parts) {
    // With no part named, everything once (the halves are part of `rollup`).
    if (only.length > 0 ? !only.includes(part.name) : part.name.startsWith('rollup-') || ONLY_BY_NAME.has(part.name)) continue
    console.log(`\n== ${part.name}`)
    results.push(...(await part.run((m) => console.log(m))))
  }
  const out = { machine: machine(), at: new Date().toISOString(), results }
  fs.writeFileSync(path.join(root, 'bench', 'results.json'), JSON.stringify(out, null, 2) + '\n')
  console.log('\n' + ['name', 'value', 'baseline', 'ratio', 'goal'].join('\t'))
  for (const r of results) console.log(`${r.name}\t${r.value} ${r.unit}\t${r.baseline.value} ${r.baseline.unit} (${r.baseline.name})\t${r.ratio}\t${r.goal ? `${r.goal.text}: ${r.goal.met ? 'met' : 'NOT met'}` : ''}`)
  console.log(`\nwritten to bench/results.json`)
}

main().catch((e) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
