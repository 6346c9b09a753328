// The one component that owns ApexCharts: created on mount, series and annotations updated in
// place, destroyed on unmount. Everything else passes plain data by props. Updates that arrive
// while the user drags (zoom or selection) wait for the mouse button to come up.
import ApexCharts from "apexcharts";
import { useEffect, useRef } from "preact/hooks";

export type ChartOptions = ApexCharts.ApexOptions;
export type ChartSeries = ApexAxisChartSeries;

export interface ChartProps {
  /** Options used at creation; later changes to `options` are applied with updateOptions. */
  options: ChartOptions;
  series: ChartSeries;
  annotations?: ApexAnnotations;
  /** A time picked with a double click on the plot (x value, epoch ms). */
  onPickTime?: (atMs: number) => void;
  label: string;
  testId?: string;
  /**
   * Marks "pingwatcher:chart-drawn" when drawn (the UI bench times the timeline by it); charts
   * that are not the timeline pass false so they cannot stand in for it.
   */
  benchMark?: boolean;
}

/** The x value under a client X coordinate, from the plot area's geometry. */
function timeAt(chart: ApexCharts, host: HTMLElement, clientX: number): number | null {
  const grid = host.querySelector(".apexcharts-grid");
  // deno-lint-ignore no-explicit-any
  const globals = (chart as any).w?.globals;
  if (!grid || !globals) return null;
  const box = grid.getBoundingClientRect();
  if (box.width <= 0 || clientX < box.left || clientX > box.right) return null;
  const { minX, maxX } = globals as { minX: number; maxX: number };
  return minX + ((clientX - box.left) / box.width) * (maxX - minX);
}

/** Every chart on the page, by its host element: "save image" asks them for pictures. */
const instances = new Map<HTMLElement, ApexCharts>();

/** PNG data URLs of the charts inside `root`, in page order (for "save image"). */
export async function chartPictures(root: ParentNode): Promise<string[]> {
  const out: string[] = [];
  for (const el of root.querySelectorAll<HTMLElement>(".chart")) {
    const chart = instances.get(el);
    if (!chart) continue;
    const picture = await chart.dataURI({ scale: 1 });
    if ("imgURI" in picture) out.push(picture.imgURI);
  }
  return out;
}

interface Pending {
  series?: ChartSeries;
  options?: ChartOptions;
}

export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ApexCharts | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const dragging = useRef(false);
  const pending = useRef<Pending>({});

  /** Applies what is pending, in order, one ApexCharts call at a time. */
  const flush = () => {
    const instance = chart.current;
    if (!instance || dragging.current) return;
    const work = pending.current;
    pending.current = {};
    queue.current = queue.current.then(async () => {
      if (chart.current !== instance) return;
      if (work.options) await instance.updateOptions(work.options, false, false);
      if (work.series) await instance.updateSeries(work.series, false);
      // For benchmarks: when the newest data was on screen.
      if (latest.current.benchMark !== false) performance.mark("pingwatcher:chart-drawn");
    }).catch(() => {});
  };

  useEffect(() => {
    const el = host.current!;
    const instance = new ApexCharts(el, {
      ...props.options,
      series: props.series,
      annotations: props.annotations ?? {},
    });
    chart.current = instance;
    instances.set(el, instance);
    queue.current = instance.render().then(() => {
      if (latest.current.benchMark !== false) performance.mark("pingwatcher:chart-drawn");
    });
    const onDblClick = (event: MouseEvent) => {
      const at = timeAt(instance, el, event.clientX);
      if (at !== null) latest.current.onPickTime?.(at);
    };
    const onDown = () => dragging.current = true;
    const onUp = () => {
      if (!dragging.current) return;
      // pointerup comes before the mouseup that ends ApexCharts' own drag: redrawing now would
      // drop the user's zoom, so wait until that has been handled.
      setTimeout(() => {
        dragging.current = false;
        flush();
      }, 50);
    };
    el.addEventListener("dblclick", onDblClick);
    el.addEventListener("pointerdown", onDown);
    addEventListener("pointerup", onUp);
    return () => {
      el.removeEventListener("dblclick", onDblClick);
      el.removeEventListener("pointerdown", onDown);
      removeEventListener("pointerup", onUp);
      chart.current = null;
      instances.delete(el);
      instance.destroy();
    };
  }, []);

  const first = useRef(true);
  useEffect(() => {
    if (first.current) return;
    pending.current.series = props.series;
    flush();
  }, [props.series]);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    pending.current.options = { ...props.options, annotations: props.annotations ?? {} };
    flush();
  }, [props.options, props.annotations]);

  return (
    <div
      ref={host}
      class="chart"
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  );
}
