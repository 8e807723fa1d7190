/** Shared element styles; the theme is a small set of --ys-* custom properties a host page may set. */
import { css } from 'lit'

export const base = css`
  :host {
    font-family: var(--ys-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--ys-color-text, #1f2328);
    --_good: var(--ys-color-good-text, #00704f);
    --_warn: var(--ys-color-warn-text, #8a5300);
    --_bad: var(--ys-color-bad-text, #b3261e);
    --_muted: var(--ys-color-muted, #59636e);
    --_border: var(--ys-color-border, #d0d7de);
    --_surface: var(--ys-color-surface, #ffffff);
    --_accent: var(--ys-color-accent, #0072b2);
  }
  .num { font-variant-numeric: tabular-nums; }
  .muted { color: var(--_muted); }
  .good { color: var(--_good); }
  .warn { color: var(--_warn); }
  .bad { color: var(--_bad); }
  .none { color: var(--_muted); }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  button, select, input { font: inherit; }
  button { cursor: pointer; }
  :focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
  .card { background: var(--_surface); border: 1px solid var(--_border); border-radius: 8px; padding: 12px 16px; min-width: 0; }
  .error { border-left: 4px solid var(--_bad); padding: 8px 12px; background: #fff5f5; }
  .empty { color: var(--_muted); padding: 12px 0; }
  .stage { display: inline-block; font-size: 0.78em; padding: 1px 6px; border-radius: 10px; border: 1px solid var(--_border); text-transform: lowercase; white-space: nowrap; }
  .stage.production { background: #e6f4ef; }
  .stage.scaling { background: #e8f1fa; }
  .stage.pilot { background: #fdf3e1; }
  .stage.retired { background: #eeeeee; }
`
