import { describe, expect, it } from 'vitest'
import { productionBlockers, productionRefusal } from './stage-rules.js'

describe('productionBlockers', () => {
  it.each([
    [{ owner: 'ana@example.com', baselines: { errorRate: 0.12, decisionLatencySeconds: 300 } }, []],
    [{ owner: 'ana@example.com', baselines: { errorRate: 0, decisionLatencySeconds: 0 } }, []],
    [{ owner: null, baselines: { errorRate: 0.12, decisionLatencySeconds: 300 } }, ['owner']],
    [{ owner: '  ', baselines: { errorRate: 0.12, decisionLatencySeconds: 300 } }, ['owner']],
    [{ owner: 'ana@example.com', baselines: { errorRate: null, decisionLatencySeconds: 300 } }, ['baselines.errorRate']],
    [{ owner: 'ana@example.com', baselines: { errorRate: 0.1, decisionLatencySeconds: null } }, ['baselines.decisionLatencySeconds']],
    [{ owner: null, baselines: { errorRate: null, decisionLatencySeconds: null } }, ['owner', 'baselines.errorRate', 'baselines.decisionLatencySeconds']],
    [{ owner: 'ana@example.com', baselines: { errorRate: null, decisionLatencySeconds: null }, reports: ['time_saved'] }, []],
    [{ owner: 'ana@example.com', baselines: { errorRate: null, decisionLatencySeconds: null }, reports: [] }, []],
    [{ owner: 'ana@example.com', baselines: { errorRate: null, decisionLatencySeconds: null }, reports: ['error_rate'] }, ['baselines.errorRate']],
    [{ owner: 'ana@example.com', baselines: { errorRate: 0.1, decisionLatencySeconds: null }, reports: ['error_rate', 'decision_latency'] }, ['baselines.decisionLatencySeconds']],
  ])('%j lacks %j', (input, fields) => {
    expect(productionBlockers(input).map((b) => b.field)).toEqual(fields)
  })
})

describe('productionRefusal', () => {
  it('is null when nothing is missing', () => {
    expect(productionRefusal('x', [])).toBeNull()
  })
  it('names one missing thing', () => {
    expect(productionRefusal('invoices', productionBlockers({ owner: null, baselines: { errorRate: 0.1, decisionLatencySeconds: 3 } }))).toBe('cannot move "invoices" to production: it needs an owner; nothing was changed')
  })
  it('names every missing thing in one sentence', () => {
    expect(productionRefusal('invoices', productionBlockers({ owner: null, baselines: { errorRate: null, decisionLatencySeconds: null } }))).toBe(
      'cannot move "invoices" to production: it needs an owner, a baseline error rate and a baseline decision latency; nothing was changed',
    )
  })
})
