/**
 * Small charts for digests, drawn with Chart.js on @napi-rs/canvas and attached as inline (CID) PNGs.
 * Any failure returns null, and the renderer falls back to bars made of table cells.
 */
import { createCanvas } from '@napi-rs/canvas'
import { Chart, registerables, type ChartConfiguration } from 'chart.js'
import type { Summary } from '../outcomes/summary.js'
import type { DigestChart } from './render.js'
import { moneyCompact } from './format.js'

let registered = false

/**
 * Horizontal bars of value delivered per initiative, this period (solid) beside the previous (light).
 * @example const chart = await renderValueChart(summary, 'value@yardstick') // null if rendering failed
 */
export async function renderValueChart(s: Summary, cid: string): Promise<DigestChart | null> {
  try {
    if (s.initiatives.length === 0) return null
    if (!registered) {
      Chart.register(...registerables)
      registered = true
    }
    const list = [...s.initiatives].sort((a, b) => b.valueTotal - a.valueTotal).slice(0, 12)
    const currency = s.portfolio.currency ?? 'USD'
    const width = 544
    const height = 70 + list.length * 34
    const scale = 2
    const canvas = createCanvas(width * scale, height * scale)
    const ctx = canvas.getContext('2d')
    ctx.fillStyle = '#ffffff'
    ctx.fillRect(0, 0, width * scale, height * scale)
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: list.map((i) => (i.name.length > 28 ? i.name.slice(0, 27) + '…' : i.name)),
        datasets: [
          { label: 'This period', data: list.map((i) => i.valueTotal), backgroundColor: '#0072b2', barPercentage: 0.9, categoryPercentage: 0.8 },
          { label: 'Previous period', data: list.map((i) => i.previous.valueTotal), backgroundColor: '#9ecae1', barPercentage: 0.9, categoryPercentage: 0.8 },
        ],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: false,
        devicePixelRatio: scale,
        layout: { padding: { right: 12 } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, font: { size: 12 }, color: '#1f2328' } }, tooltip: { enabled: false } },
        scales: {
          x: { beginAtZero: true, ticks: { font: { size: 11 }, color: '#57606a', callback: (v) => moneyCompact(Number(v), currency) }, grid: { color: '#eef0f2' } },
          y: { ticks: { font: { size: 12 }, color: '#1f2328' }, grid: { display: false } },
        },
      },
    }
    const chart = new Chart(ctx as unknown as CanvasRenderingContext2D, config)
    chart.resize(width, height)
    chart.draw()
    const png = await canvas.encode('png')
    chart.destroy()
    const alt = `Value delivered per initiative: ${list.map((i) => `${i.name} ${moneyCompact(i.valueTotal, i.currency)} (previous ${moneyCompact(i.previous.valueTotal, i.currency)})`).join('; ')}`
    return { cid, png: Buffer.from(png), alt, width, height }
  } catch {
    return null
  }
}
