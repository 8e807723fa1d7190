/**
 * Chart.js configurations for the dashboard's charts, built from the pure chart-data models.
 */
import type { ChartConfiguration, ChartDataset } from 'chart.js'
import { MARK_ROW_PX, PALETTE } from '../chart-setup.js'
import type { MetricChartModel, XY } from '../chart-data/series.js'
import type { PaybackModel } from '../chart-data/payback.js'
import { formatDate, formatMoney, formatMonth } from '../chart-data/format.js'

type LineConfig = ChartConfiguration<'line', XY[]>

function css(el: Element | null, name: string, fallback: string): string {
  if (!el) return fallback
  const v = getComputedStyle(el).getPropertyValue(name).trim()
  return v || fallback
}

/** Colours, overridable by the host page through --ys-* custom properties. */
export function themeColors(el: Element | null) {
  return {
    series: css(el, '--ys-color-series', PALETTE.blue),
    previous: css(el, '--ys-color-previous', PALETTE.sky),
    good: css(el, '--ys-color-good', PALETTE.green),
    baseline: css(el, '--ys-color-baseline', PALETTE.grey),
    cost: css(el, '--ys-color-cost', PALETTE.vermillion),
    text: css(el, '--ys-color-text', '#1f2328'),
    grid: css(el, '--ys-color-grid', '#e3e6ea'),
  }
}

/**
 * Date ticks: months for long ranges; otherwise day and month, with the year on the first tick and on
 * each tick where the year changes, so a range across New Year reads "7 Dec 2025 … 7 Dec 2026".
 */
function dateTick(timezone: string, spanMs: number) {
  const year = (v: number) => formatDate(v, timezone).slice(-4)
  return (v: number | string, i: number, ticks: Array<{ value: number }>) => {
    if (spanMs > 400 * 86_400_000) return formatMonth(Number(v), timezone)
    const first = i === 0 || year(ticks[i - 1].value) !== year(Number(v))
    const crosses = ticks.length > 0 && year(ticks[0].value) !== year(ticks[ticks.length - 1].value)
    return formatDate(Number(v), timezone, first && (crosses || i === 0))
  }
}

/** Rows reserved above a plot for stage-mark labels: enough for each to have its own when they crowd. */
function markRows(marks: Array<{ label: string }>): number {
  return Math.min(marks.length, 3)
}

/** One outcome over time: series, previous period, baseline and target, stage marks. */
export function metricChartConfig(m: MetricChartModel, timezone: string, widthPx: number, el: Element | null, compact = false): LineConfig {
  const c = themeColors(el)
  const many = m.points.length > Math.max(50, widthPx / 2)
  const datasets: ChartDataset<'line', XY[]>[] = [
    { label: m.title, data: m.points, borderColor: c.series, backgroundColor: c.series, borderWidth: 2, pointRadius: many || compact ? 0 : 2, spanGaps: false, parsing: false, normalized: true },
  ]
  if (m.previous) datasets.push({ label: 'previous period', data: m.previous, borderColor: c.previous, backgroundColor: c.previous, borderWidth: 1.5, pointRadius: 0, parsing: false, normalized: true })
  if (m.baseline) datasets.push({ label: 'baseline', data: m.baseline, borderColor: c.baseline, backgroundColor: c.baseline, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, stepped: 'before', parsing: false })
  if (m.target) datasets.push({ label: 'target', data: m.target, borderColor: c.good, backgroundColor: c.good, borderDash: [3, 3], borderWidth: 1.5, pointRadius: 0, stepped: 'before', parsing: false })
  const rows = markRows(m.marks)
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      layout: { padding: { top: rows * MARK_ROW_PX + (rows ? 4 : 0) } },
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', min: m.xMin, max: m.xMax, grid: { color: c.grid }, ticks: { color: c.text, maxTicksLimit: compact ? 4 : 8, callback: dateTick(timezone, m.xMax - m.xMin) } },
        y: { type: 'linear', beginAtZero: true, grid: { color: c.grid }, title: { display: !compact, text: m.yTitle, color: c.text }, ticks: { color: c.text, maxTicksLimit: 6, callback: (v) => compactTick(Number(v)) } },
      },
      plugins: {
        // Below the plot, so the band above it is free for the stage labels.
        legend: { display: !compact, position: 'bottom', labels: { boxHeight: 2, color: c.text } },
        decimation: { enabled: true, algorithm: 'lttb', samples: Math.max(50, Math.round(widthPx)) },
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? formatDate(items[0].parsed.x ?? 0, timezone) : ''),
            label: (item) => `${item.dataset.label}: ${m.format(item.parsed.y ?? null)}`,
          },
        },
        stageMarks: { marks: m.marks, color: c.text, above: true },
      },
    },
  }
}

function compactTick(v: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(v)
}

/** Cumulative value vs cumulative cost, projection dashed, payback marked. */
export function paybackChartConfig(p: PaybackModel, currency: string, timezone: string, el: Element | null): LineConfig {
  const c = themeColors(el)
  const value = p.actual.map((a) => ({ x: a.x, y: a.value }))
  const cost = p.actual.map((a) => ({ x: a.x, y: a.cost }))
  const datasets: ChartDataset<'line', XY[]>[] = [
    { label: 'cumulative value', data: value, borderColor: c.series, backgroundColor: c.series, borderWidth: 2, pointRadius: 2, parsing: false },
    { label: 'cumulative cost', data: cost, borderColor: c.cost, backgroundColor: c.cost, borderWidth: 2, pointRadius: 2, parsing: false },
  ]
  if (p.projected.length > 0) {
    datasets.push({ label: 'value (projected)', data: p.projected.map((a) => ({ x: a.x, y: a.value })), borderColor: c.series, backgroundColor: c.series, borderDash: [6, 4], borderWidth: 2, pointRadius: 0, parsing: false })
    datasets.push({ label: 'cost (projected)', data: p.projected.map((a) => ({ x: a.x, y: a.cost })), borderColor: c.cost, backgroundColor: c.cost, borderDash: [6, 4], borderWidth: 2, pointRadius: 0, parsing: false })
  }
  const all = [...p.actual, ...p.projected]
  const xMin = all[0]?.x ?? 0
  const xMax = all[all.length - 1]?.x ?? 1
  const marks = p.crossing ? [{ x: p.crossing.x, label: `${p.crossing.projected ? 'projected payback' : 'paid back'}: ${formatMonth(p.crossing.month, timezone)}` }] : []
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: { type: 'linear', min: xMin, max: xMax, grid: { color: c.grid }, ticks: { color: c.text, maxTicksLimit: 8, callback: (v) => formatMonth(Number(v), timezone) } },
        y: { type: 'linear', beginAtZero: true, grid: { color: c.grid }, title: { display: true, text: currency, color: c.text }, ticks: { color: c.text, callback: (v) => formatMoney(Number(v), currency, true) } },
      },
      plugins: {
        legend: { labels: { boxHeight: 2, color: c.text } },
        tooltip: { callbacks: { title: (items) => (items[0] ? formatDate(items[0].parsed.x ?? 0, timezone) : ''), label: (item) => `${item.dataset.label}: ${formatMoney(item.parsed.y ?? 0, currency)}` } },
        stageMarks: { marks, color: c.text },
      },
    },
  }
}
