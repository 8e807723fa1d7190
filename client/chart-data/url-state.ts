/**
 * Every page's state lives in the URL: the path says which page, the query the range and filters,
 * so a link reproduces the view. Unknown or malformed values fall back to defaults.
 */
import { isRangeKey, type RangeKey } from './range.js'
import { isStage } from '../../metrics/stages.js'

export interface ViewState {
  page: 'portfolio' | 'initiative'
  slug?: string
  range: RangeKey
  from?: string
  to?: string
  stage?: string
  team?: string
  /** Portfolio filter: one recommendation (metrics/recommendation.ts `Action`). */
  rec?: string
  /** Portfolio table sort: a column key, and direction. */
  sort?: string
  desc?: boolean
  /** Initiative page: previous-period overlay on. */
  compare?: boolean
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Reads a view from a path and query string.
 * @example parseView('/initiatives/invoice-processing', '?range=90d&compare=1')
 */
export function parseView(pathname: string, search: string): ViewState {
  const q = new URLSearchParams(search)
  const m = /^\/initiatives\/([^/]+)\/?$/.exec(pathname)
  const range = q.get('range')
  const v: ViewState = { page: m ? 'initiative' : 'portfolio', range: isRangeKey(range) ? range : '12m' }
  if (m) v.slug = decodeURIComponent(m[1])
  if (v.range === 'custom') {
    const f = q.get('from')
    const t = q.get('to')
    if (f && DATE.test(f)) v.from = f
    if (t && DATE.test(t)) v.to = t
  }
  const stage = q.get('stage')
  if (stage && isStage(stage)) v.stage = stage
  const team = q.get('team')
  if (team) v.team = team.slice(0, 100)
  const rec = q.get('rec')
  if (rec && ['scale', 'keep_going', 'fix', 'stop', 'retired'].includes(rec)) v.rec = rec
  const sort = q.get('sort')
  if (sort && /^[a-zA-Z]{1,30}$/.test(sort)) v.sort = sort
  if (q.get('desc') === '0') v.desc = false
  if (q.get('compare') === '1') v.compare = true
  return v
}

/**
 * Writes a view as path + query (defaults omitted, so links stay short).
 * @example viewUrl({ page: 'portfolio', range: '90d' }) // '/?range=90d'
 */
export function viewUrl(v: ViewState): string {
  const q = new URLSearchParams()
  if (v.range !== '12m') q.set('range', v.range)
  if (v.range === 'custom') {
    if (v.from) q.set('from', v.from)
    if (v.to) q.set('to', v.to)
  }
  if (v.page === 'portfolio') {
    if (v.stage) q.set('stage', v.stage)
    if (v.team) q.set('team', v.team)
    if (v.rec) q.set('rec', v.rec)
    if (v.sort) q.set('sort', v.sort)
    if (v.desc === false) q.set('desc', '0')
  } else if (v.compare) q.set('compare', '1')
  const path = v.page === 'initiative' && v.slug ? `/initiatives/${encodeURIComponent(v.slug)}` : '/'
  const s = q.toString()
  return path + (s ? `?${s}` : '')
}
