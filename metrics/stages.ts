/**
 * The stages of an AI initiative, as one table every other place reads: the API's enum, the database
 * checks, the rollups' stage split, the readiness rules' words and the dashboard's filters and forms.
 * Pure data: no imports.
 *
 * Adding a stage is a change to {@link STAGE_TABLE} only; its position in the table is its place in
 * the lifecycle (and in every list, chart split and select shown to people).
 *
 * @module
 */

/** What a stage means, for the people who read the dashboard. */
export interface StageInfo {
  /** The stage as a word in a sentence or a select ("Pilot"). */
  label: string
  /** What being in this stage means for an executive deciding where money goes. */
  description: string
}

/**
 * The stages in lifecycle order, each with its label and description. The keys are the stored and
 * API names; their order is the order of {@link STAGES}.
 * @example STAGE_TABLE.pilot.label // 'Pilot'
 */
export const STAGE_TABLE = {
  pilot: {
    label: 'Pilot',
    description: 'Tried on a small slice of the work to learn whether it pays; the money spent buys evidence, not yet returns.',
  },
  scaling: {
    label: 'Scaling',
    description: 'The pilot made its case and the initiative is being rolled out to more teams, sites or volume; costs rise ahead of the value.',
  },
  production: {
    label: 'Production',
    description: 'Part of how the work is done, past the readiness gate; expected to deliver its targets month after month.',
  },
  retired: {
    label: 'Retired',
    description: 'Switched off or replaced; its costs stop, its delivered value stays on the record, and it is left out of the gate.',
  },
} as const satisfies Record<string, StageInfo>

/** A stage's name, as stored and in the API: `'pilot' | 'scaling' | 'production' | 'retired'`. */
export type Stage = keyof typeof STAGE_TABLE

/**
 * The stage names in lifecycle order (the keys of {@link STAGE_TABLE}; object keys that are not
 * integers keep their insertion order).
 * @example STAGES // ['pilot', 'scaling', 'production', 'retired']
 */
export const STAGES = Object.freeze(Object.keys(STAGE_TABLE)) as readonly [Stage, ...Stage[]]

/**
 * Whether `x` is one of the stage names.
 * @example isStage('pilot') // true
 * @example isStage('Pilot') // false
 */
export function isStage(x: unknown): x is Stage {
  return typeof x === 'string' && Object.hasOwn(STAGE_TABLE, x)
}

/**
 * A stage's place in the lifecycle, from 0 (pilot); -1 for a name that is not a stage.
 * @example stageIndex('production') // 2
 */
export function stageIndex(stage: string): number {
  return (STAGES as readonly string[]).indexOf(stage)
}
