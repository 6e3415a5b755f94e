import { css } from 'lit';
import { styles } from '../styles.js';

/**
 * The dashboard's styles on top of the widget's: tables that scroll sideways
 * inside their own region on a phone, charts that scale with their width
 * (up to a readable size), a chart beside its table where there is room, a
 * loading skeleton whose header is the loaded view's (nothing above the
 * figures moves when they arrive). Colours come from the same `--tandem-*`
 * properties, plus `--tandem-chart-color` for bars (default: the accent) and
 * `--tandem-skeleton-color`.
 */
export const dashboardStyles = css`${styles}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
section section{margin-top:1.5em;border-top:var(--b);padding-top:.5em}
h3{font-size:1.05em}
header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5em}
header p{margin:0}
header .row{align-items:center}
.pair{display:flex;flex-wrap:wrap;gap:1em 2em;align-items:flex-start;margin:1em 0}.pair>svg{flex:1 1 16rem}.pair>.table{flex:0 1 auto;min-width:0;max-width:100%}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
caption{text-align:start;font-weight:600;padding:.25em 0}
th,td{padding:.35em .6em;border-bottom:var(--b);text-align:end}
td{white-space:nowrap}
th[scope=row],th[scope=rowgroup],thead th:first-child{text-align:start;font-weight:400;min-width:7em}
th[scope=rowgroup]{font-style:italic;color:var(--tandem-muted-color,#555)}
thead th{font-weight:600;vertical-align:bottom}
.legend{font-size:.9em;margin:.5em 0}
.csv{margin-top:.5em}
svg{display:block;width:100%;max-width:26rem;height:auto;overflow:visible}
svg text{fill:currentColor;font-size:13px}
.group{font-style:italic}
.title{font-weight:600}
.tick{text-anchor:end;font-size:11px}
.week{text-anchor:middle;font-size:11px}
.bar{fill:var(--tandem-chart-color,var(--a))}
.hole{fill:none;stroke:currentColor;stroke-dasharray:3 2}
.grid{stroke:var(--tandem-border-color,#c4c7cc)}
.skeleton{height:14em;margin:1em 0;border-radius:var(--r);background:var(--tandem-skeleton-color,#eceef1)}
.num{justify-content:space-between;max-width:32rem}
input[type=number]{width:6em;min-height:44px;padding:.5em;border:1px solid var(--tandem-border-color,#767676);border-radius:var(--r)}
[aria-invalid=true]{border-color:var(--tandem-error-color,#b3261e)}
.hint{font-size:.9em;margin:0 0 .5em}
dl.run{margin-top:.5em}`;
