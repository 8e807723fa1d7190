import { describe, expect, it } from 'vitest'
import { metric } from './api/common.js'
import { DURATION_MS, emptyIsZero, isMetric, keepsSketch, KINDS, METRIC_TABLE, METRICS, VALUE_METRICS, type Metric } from './metric-kinds.js'

// Written out here, independently of the table: the order is the order of every list in the API.
const NAMES = ['time_saved', 'error_rate', 'revenue_influenced', 'decision_latency']

describe('METRICS', () => {
  it('lists the kinds in table order', () => {
    expect([...METRICS]).toEqual(NAMES)
    expect(Object.isFrozen(METRICS)).toBe(true)
  })

  it('is the metric enum of the API, exactly', () => {
    expect(metric.options).toEqual([...METRICS])
  })

  it.each(['Time_saved', 'errors_avoided', 'value', '', 'toString', '__proto__', null, 1])('does not take %j for a metric', (x) => {
    expect(isMetric(x)).toBe(false)
  })
})

describe('METRIC_TABLE', () => {
  it.each(METRICS)('%s has a direction, units, an aggregation and words', (m) => {
    const k = KINDS[m]
    expect(k.metric).toBe(m)
    expect(['higher', 'lower']).toContain(k.direction)
    expect(['sum', 'rate', 'percentiles']).toContain(k.aggregation)
    expect(['hours', 'ratio', 'currency', 'seconds']).toContain(k.displayUnit)
    expect(k.label).toMatch(/^[A-Z][a-z]+( [a-z]+)*$/)
    expect(k.noun).toMatch(/^[A-Z]/)
    expect(k.dataWord).toMatch(/^[a-z]+(-[a-z]+)*$/)
    expect(k.maxStored).toBeGreaterThan(0)
    expect(k.maxStoredLabel).not.toBe('')
    expect(['month', 'bucket']).toContain(k.target.per)
  })

  it.each(METRICS)('%s takes units exactly when it stores durations, with a default among them', (m) => {
    const k: (typeof METRIC_TABLE)[Metric] = METRIC_TABLE[m]
    expect(k.eventUnits.length > 0).toBe(k.storage === 'milliseconds')
    if (k.storage === 'milliseconds') {
      expect(k.eventUnits).toContain(k.defaultUnit)
      for (const u of k.eventUnits) expect(DURATION_MS[u]).toBeGreaterThan(0)
    } else expect(k.defaultUnit).toBeNull()
  })

  it.each(METRICS)('%s: a monthly target goes with a sum, a level with a rate or percentiles', (m) => {
    const k = KINDS[m]
    expect(k.target.per === 'month').toBe(k.aggregation === 'sum')
    // A baseline is the level a rate or a latency is measured against; sums have none.
    expect(k.baseline === null).toBe(k.aggregation === 'sum')
  })

  it.each([
    ['time_saved', 'higher', 'sum', 'hours', true],
    ['error_rate', 'lower', 'rate', 'ratio', true],
    ['revenue_influenced', 'higher', 'sum', 'currency', true],
    ['decision_latency', 'lower', 'percentiles', 'seconds', false],
  ] as const)('%s: better when %s, aggregated as a %s in %s, carries value: %s', (m, direction, aggregation, unit, value) => {
    expect(KINDS[m]).toMatchObject({ direction, aggregation, displayUnit: unit, carriesValue: value })
    expect(keepsSketch(m)).toBe(aggregation === 'percentiles')
    expect(emptyIsZero(m)).toBe(aggregation === 'sum')
  })

  it('names every target key, target field and figure once', () => {
    for (const field of ['targetKey', 'figure', 'dataWord', 'label', 'noun'] as const) {
      expect(new Set(METRICS.map((m) => KINDS[m][field])).size, field).toBe(METRICS.length)
    }
    expect(new Set(METRICS.map((m) => KINDS[m].target.field)).size).toBe(METRICS.length)
  })

  it('counts value from the kinds that carry it, in table order', () => {
    expect(VALUE_METRICS).toEqual(['time_saved', 'error_rate', 'revenue_influenced'])
  })
})
