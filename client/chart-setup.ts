/**
 * Chart.js, registered once with only the parts the dashboard uses (smaller bundles), no animation,
 * and a plugin that draws stage changes as thin labelled vertical lines.
 */
import { Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type Plugin } from 'chart.js'

export interface StageMarksOptions {
  marks?: Array<{ x: number; label: string }>
  color?: string
  /**
   * Labels in a band above the plot (the chart reserves it with `layout.padding.top`, see
   * {@link MARK_ROW_PX}) rather than inside it, so they never cover the data.
   */
  above?: boolean
}

/** Height of one row of stage-mark labels above the plot. */
export const MARK_ROW_PX = 14

declare module 'chart.js' {
  interface PluginOptionsByType<TType> {
    stageMarks?: StageMarksOptions
  }
}

const stageMarks: Plugin<'line'> = {
  id: 'stageMarks',
  afterDatasetsDraw(chart, _args, opts: StageMarksOptions) {
    const marks = opts?.marks ?? []
    if (marks.length === 0) return
    const { ctx, chartArea, scales } = chart
    const x = scales.x
    ctx.save()
    ctx.strokeStyle = opts.color ?? '#444'
    ctx.fillStyle = opts.color ?? '#444'
    ctx.lineWidth = 1
    ctx.font = '11px system-ui, sans-serif'
    let row = 0
    // Above the plot: a label moves to the next row up only when it would touch the one before it.
    const ends: number[] = []
    for (const m of marks) {
      const px = x.getPixelForValue(m.x)
      if (px < chartArea.left || px > chartArea.right) continue
      ctx.beginPath()
      ctx.moveTo(px, opts.above ? chartArea.top - 2 : chartArea.top)
      ctx.lineTo(px, chartArea.bottom)
      ctx.stroke()
      const w = ctx.measureText(m.label).width
      const tx = Math.max(chartArea.left, px + 4 + w > chartArea.right ? px - 4 - w : px + 4)
      if (opts.above) {
        let r = ends.findIndex((end) => end + 6 <= tx)
        if (r === -1) r = ends.length
        r = Math.min(r, Math.max(0, Math.floor((chartArea.top - 2) / MARK_ROW_PX) - 1))
        ends[r] = tx + w
        ctx.fillText(m.label, tx, chartArea.top - 4 - MARK_ROW_PX * r)
      } else ctx.fillText(m.label, tx, chartArea.top + 12 + 13 * (row++ % 3))
    }
    ctx.restore()
  },
}

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend, Decimation, stageMarks)
Chart.defaults.animation = false
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
Chart.defaults.color = '#333'

export { Chart }

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = {
  blue: '#0072B2',
  sky: '#56B4E9',
  green: '#009E73',
  orange: '#E69F00',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#767676',
}
