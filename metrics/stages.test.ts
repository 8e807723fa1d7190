import { describe, expect, it } from 'vitest'
import { stage } from './api/common.js'
import { isStage, STAGE_TABLE, STAGES, stageIndex } from './stages.js'

// Written out here, independently of the table: the lifecycle order is part of the API.
const LIFECYCLE = ['pilot', 'scaling', 'production', 'retired']

describe('STAGES', () => {
  it('lists the stages in lifecycle order', () => {
    expect([...STAGES]).toEqual(LIFECYCLE)
  })

  it.each(LIFECYCLE.map((s, i) => [s, i] as const))('places %s at %i', (s, i) => {
    expect(stageIndex(s)).toBe(i)
    expect(isStage(s)).toBe(true)
  })

  it.each(STAGES)('gives %s a label and a description', (s) => {
    expect(STAGE_TABLE[s].label).toMatch(/^[A-Z]/)
    expect(STAGE_TABLE[s].label.toLowerCase()).toBe(s)
    expect(STAGE_TABLE[s].description.length).toBeGreaterThan(20)
  })

  it.each(['Pilot', 'live', '', 'toString', '__proto__', null, 3])('does not take %j for a stage', (x) => {
    expect(isStage(x)).toBe(false)
  })

  it('is the stage enum of the API, exactly', () => {
    expect(stage.options).toEqual([...STAGES])
  })

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(STAGES)).toBe(true)
  })
})
