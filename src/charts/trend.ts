import type { TopLevelSpec } from 'vega-lite';

/**
 * A small trend chart for digests and history: hosts and TP-Link family devices as lines, open
 * findings by severity as stacked bars, one column per scan. Vega-Lite → Vega → SVG (no browser,
 * no canvas) → PNG with resvg. Vega and resvg load on first use: most processes never draw one.
 */

export interface TrendPoint {
  /** short label for the x axis, already in the reader's time zone ("23 Nov 08:00") */
  label: string;
  hosts: number;
  tplink: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
}

export interface TrendChartOptions {
  title: string;
  /** pixel width of the PNG (the SVG is drawn at half and scaled up, for crisp text) */
  width?: number;
}

const SEVERITY_COLORS = { critical: '#8b0000', high: '#d62728', medium: '#ff9f1c', low: '#4e9fd1' } as const;
const SEVERITIES = Object.keys(SEVERITY_COLORS) as Array<keyof typeof SEVERITY_COLORS>;
export const MAX_POINTS = 30;

/** The Vega-Lite spec (pure, so it can be checked without drawing). */
export function trendSpec(points: readonly TrendPoint[], options: TrendChartOptions): TopLevelSpec {
  const shown = points.slice(-MAX_POINTS);
  const width = Math.round((options.width ?? 960) / 2) - 120;
  const counts = shown.flatMap((p, index) => [
    { index, label: p.label, series: 'hosts', count: p.hosts },
    { index, label: p.label, series: 'TP-Link family', count: p.tplink },
  ]);
  const findings = shown.flatMap((p, index) => SEVERITIES.map((severity, rank) => ({ index, label: p.label, severity, rank, count: p[severity] })));
  const x = {
    field: 'label',
    type: 'ordinal' as const,
    sort: { field: 'index' },
    title: null,
    axis: { labelAngle: -40, labelOverlap: true },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: options.title, anchor: 'start', fontSize: 13 },
    background: 'white',
    config: { font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif', view: { stroke: null } },
    vconcat: [
      {
        width,
        height: 110,
        data: { values: counts },
        mark: { type: 'line', point: true },
        encoding: {
          x: { ...x, axis: { ...x.axis, labels: false, ticks: false } },
          y: { field: 'count', type: 'quantitative', title: 'devices', axis: { tickMinStep: 1 } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['hosts', 'TP-Link family'], range: ['#1f77b4', '#2ca02c'] } },
        },
      },
      {
        width,
        height: 90,
        data: { values: findings },
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'open findings', axis: { tickMinStep: 1 } },
          color: { field: 'severity', type: 'nominal', title: null, scale: { domain: [...SEVERITIES], range: SEVERITIES.map((s) => SEVERITY_COLORS[s]) } },
          // most severe at the bottom of each bar
          order: { field: 'rank', sort: 'ascending' },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** Draws the chart as SVG text. */
export async function trendSvg(points: readonly TrendPoint[], options: TrendChartOptions): Promise<string> {
  // Loaded here rather than at the top: vega is large and only charts need it.
  const vegaLite = require('vega-lite') as typeof import('vega-lite');
  const vega = require('vega') as typeof import('vega');
  const compiled = vegaLite.compile(trendSpec(points, options)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Draws the chart as a PNG. */
export async function trendPng(points: readonly TrendPoint[], options: TrendChartOptions): Promise<Buffer> {
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const svg = await trendSvg(points, options);
  const png = new Resvg(svg, { font: { loadSystemFonts: true }, fitTo: { mode: 'width', value: options.width ?? 960 } }).render().asPng();
  return Buffer.from(png);
}
