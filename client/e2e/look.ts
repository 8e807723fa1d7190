/**
 * `npx tsx client/e2e/look.ts [label]`: every page with the demo data at 1366 px and 390 px, as full-page
 * screenshots in test-artifacts/look-<label>-<page>-<width>.png, with axe-core's violations and any
 * sideways scroll per page in test-artifacts/look-<label>.json; `…-first-screen.png` is the first screen alone. A tool for looking, not a test.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startDemoServer } from './demo-server.js'
import { axeViolations, contextAt, horizontalOverflow, mintShare, openPage, PAGES, WIDTHS } from './pages.js'
import { ARTIFACTS, launchChromium } from './support.js'

async function main() {
  const label = process.argv[2] ?? 'now'
  const only = process.argv.slice(3)
  process.env.NODE_ENV = 'production'
  const demo = await startDemoServer()
  const browser = await launchChromium()
  const report: Record<string, unknown> = {}
  try {
    const cookie = await demo.signIn()
    const share = await mintShare(demo, cookie)
    for (const width of WIDTHS) {
      for (const spec of PAGES) {
        if (only.length && !only.includes(spec.name)) continue
        const ctx = await contextAt(browser, demo, width, spec.signedIn ? cookie : undefined)
        const errors: string[] = []
        let page
        try {
          page = await ctx.newPage()
          page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
          await page.close()
          page = await openPage(ctx, demo, spec, share)
        } catch (e) {
          errors.push(`not ready: ${(e as Error).message.split('\n')[0]}`)
          page = ctx.pages()[0]
        }
        if (page) {
          await page.screenshot({ path: path.join(ARTIFACTS, `look-${label}-${spec.name}-${width}.png`), fullPage: true })
          // The first screen alone: what is seen without scrolling.
          await page.screenshot({ path: path.join(ARTIFACTS, `look-${label}-${spec.name}-${width}-first-screen.png`) })
          const violations = await axeViolations(page)
          const overflow = await horizontalOverflow(page)
          report[`${spec.name}@${width}`] = { violations, overflow, errors }
          console.log(`${spec.name}@${width}: ${violations.length} axe violations${violations.length ? ` (${violations.map((v) => `${v.id}:${v.impact}`).join(', ')})` : ''}, sideways scroll ${overflow}px${errors.length ? `, ${errors.join('; ')}` : ''}`)
        }
        await ctx.close()
      }
    }
  } finally {
    fs.writeFileSync(path.join(ARTIFACTS, `look-${label}.json`), JSON.stringify(report, null, 2))
    await browser.close()
    await demo.close()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
