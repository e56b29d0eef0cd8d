// A minimal Metrics gRPC client: ingest two records for one Pacific day, read the day,
// seal it with MarkDataReady, and read it again (now FINALIZED). Prints one JSON line per step.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const address = process.env.METRICS_GRPC || '127.0.0.1:5001';
const serverSecret = process.env.METRICS_SERVER_SECRET || 'secret-dev';
const ingestKey = process.env.METRICS_INGEST_KEY || 'ingest-dev';
const date = process.env.METRICS_DATE || '2026-01-15'; // the Pacific day the values belong to
const valueMetric = process.env.METRICS_METRIC || 'node_example_metric';
const ratioMetric = `${valueMetric}_ratio`;

// Load every .proto of metrics.v1; google/api and google/protobuf imports resolve from protos/.
const protoRoot = path.join(__dirname, '..', '..', 'protos');
const protoFiles = fs.readdirSync(path.join(protoRoot, 'metrics', 'v1'))
  .filter((name) => name.endsWith('.proto'))
  .map((name) => `metrics/v1/${name}`);
const definition = protoLoader.loadSync(protoFiles, {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const v1 = grpc.loadPackageDefinition(definition).metrics.v1;

const credentials = grpc.credentials.createInsecure(); // the gRPC port is plain HTTP/2 (h2c)
const ingest = new v1.IngestService(address, credentials);
const readiness = new v1.ReadinessService(address, credentials);
const catalog = new v1.MetricsService(address, credentials);

// Calls a unary RPC with the `statsig-api-key` header and returns a Promise of the response.
function call(client, method, request, key) {
  const metadata = new grpc.Metadata();
  metadata.set('statsig-api-key', key);
  const deadline = Date.now() + 30_000;
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

// The end of a Pacific day (the next midnight in America/Los_Angeles), as unix seconds.
// Pacific midnight is 08:00 UTC under PST and 07:00 UTC under PDT: take the one that reads 00:00 there.
function endOfPacificDay(day) {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const nextDay = next.toISOString().slice(0, 10);
  const pacific = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles', hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
  for (const utcHour of [8, 7]) {
    const ms = next.getTime() + utcHour * 3600_000;
    const p = Object.fromEntries(pacific.formatToParts(ms).map(({ type, value }) => [type, value]));
    if (`${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` === `${nextDay} 00:00`) return ms / 1000;
  }
  throw new Error(`cannot find the Pacific midnight after ${day}`);
}

function printDay(day) {
  const { overall } = day;
  console.log(JSON.stringify({
    step: 'day', metric: day.metric_name, date: day.date, status: day.status, kind: day.kind,
    units: Number(overall.unit_count), sum: overall.sum,
    numerator_sum: overall.numerator_sum, denominator_sum: overall.denominator_sum,
  }));
}

async function main() {
  // 1. Ingest (an ingest key is enough): one value record and one ratio record.
  //    The idempotency key makes a retry of this exact batch safe: it is never counted twice.
  const value = 42.5;
  const numerator = 3;
  const denominator = 15;
  const ingested = await call(ingest, 'LogCustomMetric', {
    idempotency_key: `${valueMetric}/${date}`,
    metrics: [
      { user_id: '1237', id_type: 'user_id', metric_name: valueMetric, metric_value: value, date },
      { user_id: '4568', id_type: 'stable_id', metric_name: ratioMetric, numerator, denominator, date },
    ],
  }, ingestKey);
  console.log(JSON.stringify({
    step: 'ingest', accepted: ingested.accepted, duplicate: ingested.duplicate,
    sent: { [valueMetric]: { sum: value }, [ratioMetric]: { numerator_sum: numerator, denominator_sum: denominator } },
  }));

  // 2. The day while it is still OPEN (the catalog needs the server secret).
  printDay(await call(catalog, 'GetMetricDay', { metric_name: valueMetric, date }, serverSecret));

  // 3. Everything up to the end of that Pacific day is uploaded: seal it.
  const sealAt = process.env.METRICS_SEAL_AT ? Number(process.env.METRICS_SEAL_AT) : endOfPacificDay(date);
  const ready = await call(readiness, 'MarkDataReady', { timestamp: sealAt, type: 'metrics' }, serverSecret);
  console.log(JSON.stringify({
    step: 'ready', watermark: Number(ready.watermark), finalized_dates: ready.finalized_dates,
  }));

  // 4. The final aggregates.
  for (const metric_name of [valueMetric, ratioMetric]) {
    printDay(await call(catalog, 'GetMetricDay', { metric_name, date }, serverSecret));
  }
}

main()
  .catch((err) => {
    const code = err.code !== undefined ? ` (${grpc.status[err.code] ?? err.code})` : '';
    console.error(`error${code}: ${err.details || err.message}`);
    process.exitCode = 1;
  })
  .finally(() => [ingest, readiness, catalog].forEach((client) => client.close()));
