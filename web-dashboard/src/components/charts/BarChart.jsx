import { scaleBars, ticks } from '../../lib/charts/scale.js';

const W = 640;
const H = 200;
const PAD = { top: 12, right: 8, bottom: 28, left: 32 };

/**
 * Small SVG bar chart. data: [{label, value, title}]. Each bar carries an
 * accessible label (title + aria-label); the chart is a role="img" figure
 * and a visually hidden table repeats the figures for screen readers.
 */
export function BarChart({ data, label, testId }) {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const { max, bars } = scaleBars(data.map((d) => d.value), { width: iw, height: ih, gap: 0.3 });
  const every = Math.max(1, Math.ceil(data.length / 14)); // thin out x labels
  return (
    <figure className="w-full" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={label}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {ticks(max).map((t) => {
            const y = ih - (t / max) * ih;
            return (
              <g key={t}>
                <line x1={0} x2={iw} y1={y} y2={y} className="stroke-slate-200" strokeWidth="1" />
                <text x={-6} y={y} dy="0.32em" textAnchor="end" className="fill-slate-500 text-[10px]">{t}</text>
              </g>
            );
          })}
          {bars.map((b, i) => (
            <g key={data[i].label} data-testid="bar" data-label={data[i].label} data-value={b.value}>
              <rect x={b.x} y={b.y} width={b.width} height={b.height} rx="2" className="fill-blue-500" aria-label={`${data[i].title || data[i].label}: ${b.value}`}>
                <title>{`${data[i].title || data[i].label}: ${b.value}`}</title>
              </rect>
              {b.value > 0 && bars.length <= 31 && (
                <text x={b.x + b.width / 2} y={b.y - 3} textAnchor="middle" className="fill-slate-600 text-[10px]">{b.value}</text>
              )}
              {i % every === 0 && (
                <text x={b.x + b.width / 2} y={ih + 16} textAnchor="middle" className="fill-slate-500 text-[10px]">{data[i].label}</text>
              )}
            </g>
          ))}
        </g>
      </svg>
      <table className="sr-only">
        <caption>{label}</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.label}><th scope="row">{d.title || d.label}</th><td>{d.value}</td></tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
