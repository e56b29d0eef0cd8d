/** The JSON shapes of the metrics.v1 messages the console reads (lowerCamelCase, as the server writes them). */
export type MetricKind = "VALUE" | "RATIO";
export type DayStatus = "OPEN" | "FINALIZED";

export interface MetricSummary {
  metricName: string;
  kind: MetricKind;
  idTypes: string[];
  firstDate: string;
  lastDate: string;
}

export interface ListMetricsResponse {
  metrics: MetricSummary[];
  nextPageToken: string;
}

export interface Aggregate {
  idType: string;
  unitCount: number | string;
  rowCount: number | string;
  sum: number;
  mean: number;
  variance: number;
  numeratorSum: number;
  denominatorSum: number;
  ratio: number;
}

export interface MetricDay {
  metricName: string;
  date: string;
  status: DayStatus;
  kind: MetricKind;
  overall: Aggregate;
  byIdType: Aggregate[];
  finalizedAt?: string;
  lastIngestedAt?: string;
  version: number;
  restatedAt?: string;
  health?: HealthWarning[];
}

export interface HealthWarning {
  check: "UNITS_SWING" | "SUM_SWING" | "UNIT_CONCENTRATION" | "NEW_ID_TYPE" | "REJECTED_SHARE";
  value: number;
  threshold: number;
  message: string;
}

export interface MetricSeries {
  days: MetricDay[];
}

export interface UnitValue {
  userId: string;
  idType: string;
  value: number;
  numerator: number;
  denominator: number;
  rowCount: number | string;
}

export interface LogstreamEntry {
  cursor: string;
  metricName: string;
  userId: string;
  idType: string;
  metricValue?: number;
  numerator?: number;
  denominator?: number;
  date: string;
  ingestedAt: string;
  isTest: boolean;
  status: "ACCEPTED" | "REJECTED";
  reason: string;
  droppedBefore: number | string;
  rejectedCount: number;
  source: string;
}

export interface Readiness {
  watermark: number | string;
  lastFinalizedDate?: string;
  openDates?: string[];
}

export interface ReadinessEvent {
  date: string;
  watermark: number | string;
  metricCount: number;
  finalizedAt?: string;
  restated: boolean;
  version: number;
  metricName: string;
}

export interface Import {
  importId: string;
  source: string;
  query: string;
  schedule: string;
  lookbackDays: number;
  restateThreshold?: number;
  isTest: boolean;
  signalQuery: string;
  maxRejectedRows: number;
  createdAt?: string;
  lastRun?: ImportRun;
}

export interface ListImportsResponse {
  imports: Import[];
}

export interface ListImportRunsResponse {
  runs: ImportRun[];
}

export interface ImportRun {
  importId: string;
  runId: string;
  status: string;
  trigger: string;
  fromDate: string;
  toDate: string;
  startedAt?: string;
  finishedAt?: string;
  rowsRead: number | string;
  rowsApplied: number | string;
  rowsRejected: number | string;
  daysLoaded: number;
  daysUnchanged: number;
  daysRestated: number;
  message: string;
  errors?: { row: number | string; column: string; reason: string; date: string }[];
  scheduledFor?: string;
}
