/**
 * Small hand-drawn SVG charts (no chart library: nothing to download, nothing to hydrate
 * differently). Each chart has a title and a text summary for screen readers.
 */
const WIDTH = 560;
const HEIGHT = 160;
const PAD = 24;

export function BarChart({ title, data, unit }: { title: string; data: { label: string; value: number }[]; unit: string }) {
  const max = Math.max(1, ...data.map((point) => point.value));
  const step = (WIDTH - PAD * 2) / Math.max(1, data.length);
  const summary = data.map((point) => `${point.label}: ${point.value} ${unit}`).join(", ");
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${title}. ${summary}`}>
      <title>{title}</title>
      {data.map((point, i) => {
        const height = ((HEIGHT - PAD * 2) * point.value) / max;
        return (
          <g key={point.label}>
            <rect x={PAD + i * step + step * 0.15} y={HEIGHT - PAD - height} width={step * 0.7} height={height} rx={3} fill="#2c6ecb" />
            <text x={PAD + i * step + step / 2} y={HEIGHT - 6} fontSize="11" textAnchor="middle" fill="#616161">
              {point.label}
            </text>
            {point.value > 0 && (
              <text x={PAD + i * step + step / 2} y={HEIGHT - PAD - height - 4} fontSize="11" textAnchor="middle" fill="#303030">
                {point.value}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export function LineChart({ title, data }: { title: string; data: { label: string; value: number | null; text: string }[] }) {
  const values = data.map((point) => point.value).filter((value): value is number => value !== null);
  const max = Math.max(1, ...values);
  const step = (WIDTH - PAD * 2) / Math.max(1, data.length - 1);
  const points = data
    .map((point, i) => (point.value === null ? null : `${PAD + i * step},${HEIGHT - PAD - ((HEIGHT - PAD * 2) * point.value) / max}`))
    .filter(Boolean)
    .join(" ");
  const measured = data.filter((point) => point.value !== null);
  const summary = measured.length ? measured.map((point) => `${point.label}: ${point.text}`).join(", ") : "no samples yet";
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`${title}. ${summary}`}>
      <title>{title}</title>
      <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH - PAD} y2={HEIGHT - PAD} stroke="#c9cccf" />
      {points && <polyline points={points} fill="none" stroke="#2c6ecb" strokeWidth={2} />}
      {/* A dot per measured hour: a single sample draws no line. */}
      {data.map((point, i) =>
        point.value === null ? null : <circle key={`dot-${point.label}`} cx={PAD + i * step} cy={HEIGHT - PAD - ((HEIGHT - PAD * 2) * point.value) / max} r={3} fill="#2c6ecb" />,
      )}
      {data.map((point, i) =>
        i % 4 === 0 ? (
          <text key={point.label} x={PAD + i * step} y={HEIGHT - 6} fontSize="11" textAnchor="middle" fill="#616161">
            {point.label}
          </text>
        ) : null,
      )}
      {measured.length > 0 && (
        <text x={WIDTH - PAD} y={PAD - 6} fontSize="11" textAnchor="end" fill="#303030">
          {`latest ${measured[measured.length - 1]!.text}`}
        </text>
      )}
    </svg>
  );
}
