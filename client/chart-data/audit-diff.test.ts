import { describe, expect, it } from 'vitest'
import { auditChanges, auditSentence, fieldLabel, valueText, overrideSummary } from './audit-diff.js'

describe('audit diff', () => {
  it('lists only the fields that changed, nested paths in words', () => {
    const before = { slug: 'inv', owner: null, targets: { timeSavedHoursPerMonth: 100, errorRate: 0.05 }, updatedAt: '2026-01-01' }
    const after = { slug: 'inv', owner: 'ana@example.com', targets: { timeSavedHoursPerMonth: 120, errorRate: 0.05 }, updatedAt: '2026-02-01' }
    expect(auditChanges(before, after)).toEqual([
      { field: 'owner', label: 'owner', before: '—', after: 'ana@example.com' },
      { field: 'targets.timeSavedHoursPerMonth', label: 'target: time saved hours per month', before: '100', after: '120' },
    ])
  })

  it('shows a creation as what was set, skipping empty fields', () => {
    expect(auditChanges(null, { name: 'bot', role: 'ingest', initiatives: null, revokedAt: null })).toEqual([
      { field: 'name', label: 'name', before: '—', after: 'bot' },
      { field: 'role', label: 'role', before: '—', after: 'ingest' },
    ])
  })

  it('shows a deletion as what was there', () => {
    expect(auditChanges({ name: 'Weekly', recipients: ['a@x.com', 'b@x.com'] }, null)).toEqual([
      { field: 'name', label: 'name', before: 'Weekly', after: '—' },
      { field: 'recipients', label: 'recipients', before: 'a@x.com, b@x.com', after: '—' },
    ])
  })

  it('counts lists of records and compares them whole', () => {
    const h1 = [{ to: 'pilot' }]
    const h2 = [{ to: 'pilot' }, { to: 'production' }]
    expect(auditChanges({ stage: 'pilot', stageHistory: h1 }, { stage: 'production', stageHistory: h2 })).toEqual([
      { field: 'stage', label: 'stage', before: 'pilot', after: 'production' },
      { field: 'stageHistory', label: 'stage history', before: '1 entry', after: '2 entries' },
    ])
  })

  it.each([
    [null, '—'],
    [true, 'yes'],
    [false, 'no'],
    [0.1 + 0.2, '0.3'],
    [[], 'none'],
    ['x'.repeat(100), 'x'.repeat(79) + '…'],
  ])('writes %j as %j', (v, text) => {
    expect(valueText(v)).toBe(text)
  })

  it('writes instants (fields ending in At) as UTC dates, whether epoch ms or ISO', () => {
    const at = Date.UTC(2026, 10, 25, 9, 48, 30)
    expect(auditChanges(null, { attestedAt: at, revokedAt: new Date(at).toISOString(), count: at })).toEqual([
      { field: 'attestedAt', label: 'attested at', before: '—', after: '25 Nov 2026 09:48 UTC' },
      { field: 'revokedAt', label: 'revoked at', before: '—', after: '25 Nov 2026 09:48 UTC' },
      { field: 'count', label: 'count', before: '—', after: String(at) },
    ])
  })

  it('says what happened in words', () => {
    expect(fieldLabel('baselines.decisionLatencySeconds')).toBe('baseline: decision latency seconds')
    expect(auditSentence({ action: 'revoke', entity: 'key', entityId: '3' })).toBe('revoked API key 3')
    expect(auditSentence({ action: 'some_new_thing', entity: 'widget', entityId: 'w' })).toBe('some new thing widget w')
  })
})

describe('overrideSummary', () => {
  it('reads what an override let through: the gaps at the time, not a fix', () => {
    const e = {
      action: 'stage_override',
      before: { stage: 'scaling', verdict: 'not_yet', missing: [{ item: 'bias', message: 'no bias review recorded' }, { item: 'baselines', message: 'no baseline error rate' }] },
      after: { stage: 'production', verdict: 'not_yet', reason: 'board decision, 3 Dec' },
    }
    expect(overrideSummary(e)).toEqual({ from: 'scaling', verdict: 'not yet', missing: ['no bias review recorded', 'no baseline error rate'], reason: 'board decision, 3 Dec' })
    expect(auditSentence({ action: 'stage_override', entity: 'initiative', entityId: 'triage' })).toBe('moved to production over the readiness gate: initiative triage')
  })

  it('is null for other entries and tolerates a malformed one', () => {
    expect(overrideSummary({ action: 'update', before: {}, after: {} })).toBeNull()
    expect(overrideSummary({ action: 'stage_override', before: null, after: null })).toEqual({ from: '—', verdict: '—', missing: [], reason: '—' })
  })
})
