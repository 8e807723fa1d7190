import { describe, expect, it } from 'vitest'
import { CSV_IMPORT_COLUMNS, CSV_REQUIRED_COLUMNS, importTemplateCsv } from './csv-import.js'
import { METRICS } from './metric-kinds.js'

describe('the CSV import template', () => {
  const now = Date.parse('2026-12-06T12:00:00Z')

  it('names every column in the header, the required ones first', () => {
    const [header] = importTemplateCsv({ initiative: 'invoices', now }).split('\r\n')
    expect(header).toBe('initiative,metric,occurredAt,value,unit,errors,total,currency,id')
    expect(header.split(',')).toEqual([...CSV_IMPORT_COLUMNS])
    expect(CSV_REQUIRED_COLUMNS).toEqual(['initiative', 'metric', 'occurredAt'])
  })

  it('has one example row per metric kind, dated the day before now, with the currency on the revenue row', () => {
    const lines = importTemplateCsv({ initiative: 'invoices', currency: 'EUR', now }).trimEnd().split('\r\n').slice(1)
    expect(lines.map((l) => l.split(',')[1])).toEqual([...METRICS])
    expect(lines).toEqual([
      'invoices,time_saved,2026-12-05T09:00:00Z,90,minutes,,,,',
      'invoices,error_rate,2026-12-05T09:00:00Z,,,3,120,,',
      'invoices,revenue_influenced,2026-12-05T09:00:00Z,1250.5,,,,EUR,',
      'invoices,decision_latency,2026-12-05T09:00:00Z,45,seconds,,,,',
    ])
  })
})
