/**
 * What the browser tests share: where Chromium and the artifacts are, building the client into a
 * folder of the test's own, and launching headless Chromium with the flags this machine needs.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM)
/** Screenshots kept by the browser tests (gitignored). */
export const ARTIFACTS = path.resolve('test-artifacts')

/**
 * Builds the dashboard and /embed.js into `<dir>/client` and returns that folder.
 * @example const clientDir = await buildClientInto(dir)
 */
export async function buildClientInto(dir: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const clientDir = path.join(dir, 'client')
  const { build } = await import('vite')
  // vitest sets NODE_ENV=test, which would make Vite pick Lit's development build (it warns in the console).
  const env = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ configFile: path.resolve('vite.config.ts'), mode: 'production', logLevel: 'error', build: { outDir: clientDir, emptyOutDir: true } })
  } finally {
    process.env.NODE_ENV = env
  }
  return clientDir
}

/**
 * Debian's Chromium, headless, with a fresh profile (playwright makes one per launch) and no
 * background networking (this machine's network is closed).
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}
