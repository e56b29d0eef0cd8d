import type { UnitValue } from "./types";

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const csvHeader = "user_id,id_type,value,numerator,denominator,row_count";

/** One line per unit, values as the API gives them (JavaScript's shortest round-trip form of each double). */
export function unitsCsv(units: UnitValue[]): string {
  const lines = [csvHeader];
  for (const u of units)
    lines.push([field(u.userId), field(u.idType), String(u.value), String(u.numerator), String(u.denominator), String(u.rowCount)].join(","));
  return lines.join("\n") + "\n";
}
