import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_SHARE, eventsOfDay, planScale, type ScaleParams } from './scale-data.js'

// 2023-12-04 is a Monday.
const params: ScaleParams = { events: 200_000, initiatives: 20, days: 70, busy: 2, seed: 3, firstDay: Date.parse('2023-12-04T00:00:00Z') }

describe('scale bench data set', () => {
  it('plans the number of events asked for, the same way every time', () => {
    const a = planScale(params)
    const b = planScale(params)
    expect(Math.abs(a.total - params.events)).toBeLessThan(params.events * 0.005)
    expect(Array.from(a.counts)).toEqual(Array.from(b.counts))
  })

  it('gives the busy initiatives about half of all events, and weekdays about three times a weekend day', () => {
    const plan = planScale(params)
    const perInitiative = (i: number) => plan.counts.subarray(i * params.days, (i + 1) * params.days).reduce((x, y) => x + y, 0)
    const busy = perInitiative(0) + perInitiative(1)
    expect(busy / plan.total).toBeGreaterThan(0.35)
    expect(busy / plan.total).toBeLessThan(0.8)
    // Initiative 1 runs from day 0: Mondays (d % 7 === 0) against Sundays (d % 7 === 6).
    const sumWhere = (f: (d: number) => boolean) => Array.from({ length: params.days }, (_, d) => d).filter(f).reduce((x, d) => x + plan.counts[d], 0)
    const ratio = sumWhere((d) => d % 7 === 0) / sumWhere((d) => d % 7 === 6)
    expect(ratio).toBeGreaterThan(2.5)
    expect(ratio).toBeLessThan(6)
  })

  it('makes a day of events inside that day, hour by hour, close to the planned count, office hours busiest', () => {
    const plan = planScale(params)
    const d = 49 // a Monday, late enough for every initiative's growth
    const rows = eventsOfDay(plan, d)
    let planned = 0
    for (let i = 0; i < params.initiatives; i++) planned += plan.counts[i * params.days + d]
    expect(Math.abs(rows.length - planned)).toBeLessThan(planned * 0.03 + 30)
    const start = params.firstDay + d * DAY_MS
    const hours = new Array<number>(24).fill(0)
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]
      expect(r.occurred_at).toBeGreaterThanOrEqual(start)
      expect(r.occurred_at).toBeLessThan(start + DAY_MS)
      // Hour blocks come in order.
      if (k > 0) expect(Math.floor((r.occurred_at - start) / 3_600_000)).toBeGreaterThanOrEqual(Math.floor((rows[k - 1].occurred_at - start) / 3_600_000))
      hours[Math.floor((r.occurred_at - start) / 3_600_000)]++
    }
    expect(hours[10]).toBeGreaterThan(hours[3] * 10)
    expect(hours[10] / rows.length).toBeCloseTo(HOUR_SHARE[10], 1)
    expect(eventsOfDay(plan, d)).toEqual(rows)
  })
})
