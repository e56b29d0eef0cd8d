import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { headline, interval95 } from "./format";
import type { MetricDay } from "./types";

/** A Pacific date as the chart's x: seconds at midnight UTC of that date, drawn in UTC so the label is the date. */
function x(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

const utc = (ts: number) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");

function size(container: HTMLElement): { width: number; height: number } {
  return { width: Math.max(280, container.clientWidth || 600), height: 220 };
}

/**
 * The mean per unit with its 95 % interval as a band (or the ratio of sums, for a RATIO metric), with open days and
 * restated versions as points of their own series, so the legend names them and colour is not the only signal.
 */
export function headlineChart(container: HTMLElement, days: MetricDay[]): uPlot {
  const kind = days[0]?.kind ?? "VALUE";
  const xs = days.map((d) => x(d.date));
  const values = days.map((d) => headline(kind, d.overall));
  const low = days.map((d, i) => (kind === "RATIO" ? null : values[i] - interval95(d.overall)));
  const high = days.map((d, i) => (kind === "RATIO" ? null : values[i] + interval95(d.overall)));
  const open = days.map((d, i) => (d.status === "OPEN" ? values[i] : null));
  const restated = days.map((d, i) => (d.version > 1 ? values[i] : null));
  const label = kind === "RATIO" ? "ratio" : "mean per unit";
  return new uPlot(
    {
      ...size(container),
      title: kind === "RATIO" ? "Ratio (sum of numerators ÷ sum of denominators)" : "Mean per unit, with its 95 % interval",
      tzDate: utc,
      series: [
        { label: "date", value: (_, ts) => (ts == null ? "" : new Date(ts * 1000).toISOString().slice(0, 10)) },
        { label, stroke: "#1f5fbf", width: 2 },
        { label: "95 % low", stroke: "#7fa6df", dash: [4, 4], show: kind !== "RATIO" },
        { label: "95 % high", stroke: "#7fa6df", dash: [4, 4], show: kind !== "RATIO" },
        { label: "open day", stroke: "#b35c00", paths: () => null, points: { show: true, size: 9, fill: "#fff", width: 2 } },
        { label: "restated", stroke: "#6b2fa3", paths: () => null, points: { show: true, size: 11, fill: "#6b2fa3" } },
      ],
      bands: kind === "RATIO" ? [] : [{ series: [3, 2], fill: "rgba(31, 95, 191, 0.12)" }],
      axes: [{}, { size: 70 }],
    },
    [xs, values, low, high, open, restated],
    container,
  );
}

/** The day's sum and its units, each on a scale of its own. */
export function volumeChart(container: HTMLElement, days: MetricDay[]): uPlot {
  return new uPlot(
    {
      ...size(container),
      title: "Sum and units",
      tzDate: utc,
      series: [
        { label: "date", value: (_, ts) => (ts == null ? "" : new Date(ts * 1000).toISOString().slice(0, 10)) },
        { label: "sum", stroke: "#1b7f4b", width: 2, scale: "sum" },
        { label: "units", stroke: "#444", width: 2, dash: [6, 3], scale: "units" },
      ],
      axes: [{}, { scale: "sum", size: 70 }, { scale: "units", side: 1, size: 60, grid: { show: false } }],
    },
    [days.map((d) => x(d.date)), days.map((d) => d.overall.sum), days.map((d) => Number(d.overall.unitCount))],
    container,
  );
}
