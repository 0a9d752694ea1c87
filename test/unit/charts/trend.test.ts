import { trendPng, trendSpec, trendSvg, type TrendPoint } from '../../../src/charts/trend';

const points: TrendPoint[] = [
  { label: '16 Nov 08:00', hosts: 12, tplink: 4, critical: 1, high: 3, medium: 2, low: 6 },
  { label: '17 Nov 08:00', hosts: 14, tplink: 6, critical: 3, high: 5, medium: 2, low: 7 },
  { label: '18 Nov 08:00', hosts: 13, tplink: 5, critical: 0, high: 2, medium: 2, low: 5 },
];

describe('trend chart', () => {
  it('puts every scan in the spec, hosts and TP-Link as lines and findings by severity as stacked bars', () => {
    const spec = trendSpec(points, { title: 'x' }) as unknown as { vconcat: Array<{ data: { values: Array<Record<string, unknown>> }; mark: { type: string } }> };
    const [lines, bars] = spec.vconcat;
    expect(lines?.mark.type).toBe('line');
    expect(bars?.mark.type).toBe('bar');
    expect(lines?.data.values.filter((v) => v.series === 'hosts').map((v) => v.count)).toEqual([12, 14, 13]);
    expect(lines?.data.values.filter((v) => v.series === 'TP-Link family').map((v) => v.count)).toEqual([4, 6, 5]);
    expect(bars?.data.values.filter((v) => v.label === '17 Nov 08:00').map((v) => [v.severity, v.count])).toEqual([
      ['critical', 3], ['high', 5], ['medium', 2], ['low', 7],
    ]);
  });

  it('keeps only the newest points when there are too many', () => {
    const many = Array.from({ length: 45 }, (_, i) => ({ ...points[0]!, label: `p${i}`, hosts: i }));
    const spec = trendSpec(many, { title: 'x' }) as unknown as { vconcat: Array<{ data: { values: Array<{ label: string; series?: string }> } }> };
    const labels = spec.vconcat[0]!.data.values.filter((v) => v.series === 'hosts').map((v) => v.label);
    expect(labels).toHaveLength(30);
    expect(labels[0]).toBe('p15');
    expect(labels[29]).toBe('p44');
  });

  it('draws an SVG with the title and the axis labels as text', async () => {
    const svg = await trendSvg(points, { title: 'Trend of 10.77.0.0/24' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Trend of 10.77.0.0/24');
    expect(svg).toContain('17 Nov 08:00');
    expect(svg).toContain('open findings');
  });

  it('renders a PNG of the asked width', async () => {
    const png = await trendPng(points, { title: 'Trend', width: 800 });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, at bytes 16..24
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBeGreaterThan(200);
    if (process.env.CHART_OUT) require('node:fs').writeFileSync(process.env.CHART_OUT, png);
  });
});
