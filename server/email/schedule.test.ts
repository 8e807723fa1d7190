import cron from 'node-cron'
import { describe, expect, it } from 'vitest'
import { currentPeriod, lastCompletedPeriod, previousCronFires, scheduleProblem } from './schedule.js'
import { addressProblem } from './subscription-input.js'

const T = Date.parse('2026-11-25T09:30:00Z') // a Wednesday

describe('digest periods', () => {
  it.each([
    ['daily', 'UTC', '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z', '2026-11-24'],
    ['weekly', 'UTC', '2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z', '2026-W47'],
    ['monthly', 'UTC', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-10'],
    ['weekly', 'Pacific/Tongatapu', '2026-11-16T00:00:00+13:00', '2026-11-23T00:00:00+13:00', '2026-W47'],
    ['daily', 'Pacific/Tongatapu', '2026-11-24T00:00:00+13:00', '2026-11-25T00:00:00+13:00', '2026-11-24'],
    ['monthly', 'America/New_York', '2026-10-01T00:00:00-04:00', '2026-11-01T00:00:00-04:00', '2026-10'],
    ['0 8 * * 1', 'UTC', '2026-11-16T08:00:00Z', '2026-11-23T08:00:00Z', 'cron:2026-11-16T08:00:00+00:00'],
    ['30 9 * * *', 'UTC', '2026-11-24T09:30:00Z', '2026-11-25T09:30:00Z', 'cron:2026-11-24T09:30:00+00:00'],
    ['0 18 * * 1-5', 'Asia/Kolkata', '2026-11-23T18:00:00+05:30', '2026-11-24T18:00:00+05:30', 'cron:2026-11-23T18:00:00+05:30'],
  ])('%s in %s covers [%s, %s) with key %s', (schedule, zone, from, to, key) => {
    expect(lastCompletedPeriod(T, schedule, zone)).toEqual({ from: Date.parse(from), to: Date.parse(to), key })
  })

  it('the period in progress starts where the last completed one ended', () => {
    for (const schedule of ['daily', 'weekly', 'monthly', '0 8 * * 1']) {
      const now = currentPeriod(T, schedule, 'Europe/London')
      expect(now.from).toBe(lastCompletedPeriod(T, schedule, 'Europe/London').to)
      expect(now.to).toBe(T)
    }
  })

  it.each(['*/15 9-17 * * 1-5', '0 0 L * *', '0 6 * * 5L', '0 7 * * 1#2', '0 1 29 2 *', '0 2 * * 0', '0 2 * * 7'])(
    'finds the fire times of %s that node-cron itself matches',
    (expr) => {
      const fires = previousCronFires(T, expr, 'Europe/Berlin', 2)
      expect(fires).toHaveLength(2)
      const task = cron.createTask(expr, () => {}, { timezone: 'Europe/Berlin' })
      for (const f of fires) expect(task.match(new Date(f))).toBe(true)
      expect(fires[0]).toBeLessThanOrEqual(T)
      expect([...fires].sort((a, b) => b - a)).toEqual(fires)
      // No fire time was skipped between the two latest ones (checked minute by minute for short gaps).
      if (fires[0] - fires[1] <= 3 * 86_400_000) {
        for (let t = fires[1] + 60_000; t < fires[0]; t += 60_000) expect(task.match(new Date(t))).toBe(false)
      }
      void task.destroy()
    },
  )

  it.each([['hourly'], ['0 0 8 * * 1'], ['61 * * * *'], ['0 8 * *'], ['daily\n']])('refuses the schedule %j', (s) => {
    expect(scheduleProblem(s)).not.toBeNull()
  })
})

describe('addresses', () => {
  it.each([['cfo@example.com'], ['first.last+digest@mail.example.co.uk'], ['ops@localhost']])('accepts %s', (a) => expect(addressProblem(a)).toBeNull())
  it.each([['cfo@example.com\r\nBcc: x@evil.com'], ['cfo@example.com\n'], ['no-at-sign'], ['a@b'], ['two@@example.com'], ['"quoted"@example.com'], ['a b@example.com'], ['<a@example.com>'], ['a@example.com,b@example.com']])(
    'refuses %j',
    (a) => expect(addressProblem(a)).not.toBeNull(),
  )
})
