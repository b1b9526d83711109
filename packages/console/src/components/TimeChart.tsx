// A time chart drawn by uPlot, sized to its container, one line per series, and a legend that shows
// the values under the cursor. uPlot: maintained, framework-free (so nothing to match with React 19
// or Vite 8), canvas-drawn and small: it added 23 KB of JS and 0.8 KB of CSS, gzipped, to the
// console's bundle (78 KB before); Chart.js and Recharts are several times larger by their published sizes.

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per time; null where there is nothing to show (a gap). */
  values: (number | null)[];
}

const HEIGHT = 220;

export function TimeChart({
  title,
  times,
  series,
  unit,
  max,
}: {
  title: string;
  /** Unix milliseconds, ascending. */
  times: number[];
  series: ChartSeries[];
  unit: string;
  /** A fixed top of the y scale (100 for percentages); the data's own otherwise. */
  max?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: el.clientWidth,
      height: HEIGHT,
      scales: {
        x: { time: true },
        y: max === undefined ? { range: (_u, _min, hi) => [0, Math.max(1, hi)] } : { range: [0, max] },
      },
      axes: [{}, { label: unit, size: 50 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          spanGaps: false,
          points: { show: true, size: 5, fill: s.color },
        })),
      ],
    };
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)];
    const plot = new uPlot(options, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, unit, max]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-canvas" />
    </figure>
  );
}
