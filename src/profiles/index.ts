import type { Workload } from '../model/workloads.js';
import { minio } from './minio.js';
import { nats } from './nats.js';
import { postgresql } from './postgresql.js';
import { redis } from './redis.js';
import type { BackingChart } from './types.js';

export const BACKING_CHARTS: readonly BackingChart[] = [nats, postgresql, redis, minio];

/** Finds the backing chart whose server this workload is, if any. */
export function backingChartOf(workload: Workload): BackingChart | undefined {
  return BACKING_CHARTS.find((chart) => chart.isServer(workload));
}
