/** Runs per day, stacked by status, as an SVG with a table for screen readers. */

export const CHART_STATUSES = ['success', 'failed', 'cancelled', 'skipped', 'running'] as const;
export type ChartDay = { day: string } & Record<(typeof CHART_STATUSES)[number], number>;

const HEIGHT = 180;
const BAR = 34;
const GAP = 18;

export function RunChart(props: { days: ChartDay[] }) {
  const highest = Math.max(0, ...props.days.map((d) => CHART_STATUSES.reduce((sum, s) => sum + d[s], 0)));
  // Round the scale up to an even number so the middle line is a whole number of runs.
  const max = Math.max(4, highest + (highest % 2));
  const width = props.days.length * (BAR + GAP) + 40;
  return (
    <figure className="chart" aria-labelledby="runs-chart-caption">
      <svg
        viewBox={`0 0 ${width} ${HEIGHT + 28}`}
        role="img"
        aria-hidden="true"
        className="chart-svg"
        data-testid="runs-chart"
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line
              x1={30}
              x2={width}
              y1={HEIGHT - f * HEIGHT + 4}
              y2={HEIGHT - f * HEIGHT + 4}
              className="chart-grid"
            />
            <text x={24} y={HEIGHT - f * HEIGHT + 8} className="chart-axis" textAnchor="end">
              {max * f}
            </text>
          </g>
        ))}
        {props.days.map((d, i) => {
          let y = HEIGHT + 4;
          const x = 36 + i * (BAR + GAP);
          return (
            <g key={d.day} data-day={d.day}>
              {CHART_STATUSES.map((s) => {
                const h = (d[s] / max) * HEIGHT;
                if (h === 0) return null;
                y -= h;
                return (
                  <rect
                    key={s}
                    x={x}
                    y={y}
                    width={BAR}
                    height={h}
                    rx={3}
                    className={`bar bar-${s}`}
                    data-status={s}
                    data-count={d[s]}
                  />
                );
              })}
              <text x={x + BAR / 2} y={HEIGHT + 22} className="chart-axis" textAnchor="middle">
                {d.day.slice(8)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption id="runs-chart-caption" className="chart-legend">
        {CHART_STATUSES.map((s) => (
          <span key={s} className="legend-item">
            <span className={`legend-swatch bar-${s}`} aria-hidden="true" />
            {s}
          </span>
        ))}
      </figcaption>
      <table className="sr-only">
        <caption>Runs per day by status</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {CHART_STATUSES.map((s) => (
              <th key={s} scope="col">
                {s}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.days.map((d) => (
            <tr key={d.day}>
              <th scope="row">{d.day}</th>
              {CHART_STATUSES.map((s) => (
                <td key={s}>{d[s]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
