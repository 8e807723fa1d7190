/**
 * The first-run commands: register an initiative, create an ingest key, post the first event. The
 * dashboard's empty page (<ys-first-run>) shows them and README.md's "Post your first event" carries the
 * same lines (first-run.test.ts keeps the two equal). The slug is one the demo data does not use, so the
 * commands also work after loading the demo.
 */

export const FIRST_SLUG = 'support-reply-drafts'

/**
 * The three steps, with this server's address.
 * @example firstRunCommands('http://localhost:3000', '2026-11-24T09:00:00Z').event
 */
export function firstRunCommands(origin: string, occurredAt: string): { register: string; key: string; event: string } {
  const body = JSON.stringify({ id: 'reply-1001', initiative: FIRST_SLUG, metric: 'time_saved', value: 12, occurredAt })
  return {
    register: `npm run cli -- initiatives create --slug ${FIRST_SLUG} --name "Support reply drafts" --hourly-value 45 --monthly-cost 2000`,
    key: `TOKEN=$(npm run -s cli -- keys create --name "reply bot" --role ingest --initiatives ${FIRST_SLUG} | tail -1)`,
    event: `curl -X POST ${origin}/api/v1/events \\\n  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\\n  -d '${body}'`,
  }
}
