// A tiny latency line as SVG: cheap enough for hundreds of rows. Minutes without answers leave
// gaps, minutes with loss get a red tick, and a lone point is drawn as a short dash.
const W = 120;
const H = 24;

export function Sparkline(props: { values: (number | null)[]; loss?: boolean[] }) {
  const values = props.values;
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    if (v === null) continue;
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (!values.length || max === -Infinity) {
    return <svg class="spark" viewBox={`0 0 ${W} ${H}`} aria-hidden="true" />;
  }
  const step = values.length > 1 ? W / (values.length - 1) : 0;
  let d = "";
  const lost: number[] = [];
  values.forEach((v, i) => {
    if (props.loss?.[i]) lost.push(i * step);
    if (v === null) return;
    const x = i * step;
    // Scaled between the row's own min and max; a flat line sits in the middle.
    const y = (max > min ? H - 3 - ((v - min) / (max - min)) * (H - 6) : H / 2).toFixed(1);
    const joined = i > 0 && values[i - 1] !== null;
    const alone = !joined && (i + 1 >= values.length || values[i + 1] === null);
    if (alone) d += `M${Math.max(0, x - 2).toFixed(1)} ${y}L${Math.min(W, x + 2).toFixed(1)} ${y}`;
    else d += `${joined ? "L" : "M"}${x.toFixed(1)} ${y}`;
  });
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true">
      <path d={d} class="spark-line" />
      {lost.map((x) => <rect key={x} x={x - 1} y="0" width="2" height={H} class="spark-loss" />)}
    </svg>
  );
}
