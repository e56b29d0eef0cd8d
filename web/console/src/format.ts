import type { Aggregate, HealthWarning, MetricDay } from "./types";

const number = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 });
const whole = new Intl.NumberFormat("en-US");

export function formatNumber(value: number | string | undefined): string {
  const n = Number(value ?? 0);
  if (!Number.isFinite(n)) return String(value);
  return Math.abs(n) >= 1e15 || (n !== 0 && Math.abs(n) < 1e-4) ? n.toExponential(4) : number.format(n);
}

export function formatCount(value: number | string | undefined): string {
  return whole.format(Number(value ?? 0));
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleTimeString("en-US", { hour12: false });
}

export function formatInstant(iso: string | undefined): string {
  if (!iso) return "";
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString("en-US", { hour12: false });
}

/** A day's status as a person reads it: OPEN, FINALIZED, or the restated version. */
export function statusText(day: Pick<MetricDay, "status" | "version">): string {
  if (day.status !== "FINALIZED") return "OPEN";
  return day.version > 1 ? `FINALIZED · restated v${day.version}` : "FINALIZED";
}

/** The value a day is charted by: the ratio of sums for a RATIO metric, the mean per unit otherwise. */
export function headline(kind: MetricDay["kind"], a: Aggregate): number {
  return kind === "RATIO" ? a.ratio : a.mean;
}

/** Half the width of the mean's 95 % interval (normal approximation): 1.96 · √(variance / units). */
export function interval95(a: Aggregate): number {
  const units = Number(a.unitCount);
  return units > 1 ? 1.96 * Math.sqrt(a.variance / units) : 0;
}

const checkNames: Record<HealthWarning["check"], string> = {
  UNITS_SWING: "units swing",
  SUM_SWING: "sum swing",
  UNIT_CONCENTRATION: "one unit dominates",
  NEW_ID_TYPE: "new ID type",
  REJECTED_SHARE: "rejected records",
};

/** A health check as a person names it. */
export function checkName(check: HealthWarning["check"]): string {
  return checkNames[check] ?? check;
}
