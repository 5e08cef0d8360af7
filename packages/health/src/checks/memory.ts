import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';
import { optionalNumber, optionalRatio } from './thresholds.ts';

/** Memory figures the check reads; injectable for tests. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapLimit: number;
  /** The cgroup (container) limit when there is one, else the machine's memory. */
  limit: number;
}

/** Options of {@link memoryCheck}; give at least one threshold. */
export interface MemoryCheckOptions {
  /** Fail when the resident set size exceeds this many bytes. @default undefined */
  maxRssBytes?: number;
  /** Fail when RSS exceeds this share (0–1) of the container's memory limit (or the machine's). @default undefined */
  maxRssRatio?: number;
  /** Fail when the V8 heap in use exceeds this share (0–1) of the heap limit. @default undefined */
  maxHeapRatio?: number;
  /** Where figures come from (tests). @default process.memoryUsage(), v8 and the cgroup limit */
  sample?: () => MemorySample;
}

/**
 * Process memory: RSS against a byte limit or the container's cgroup limit (`process.constrainedMemory()`),
 * and heap use against V8's limit. Reports RSS in bytes.
 *
 * @example health.register('memory', memoryCheck({ maxRssRatio: 0.9 }), { probes: 'liveness' })
 */
export function memoryCheck(options: MemoryCheckOptions): HealthCheck {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const maxRssBytes = optionalNumber(options.maxRssBytes, 'maxRssBytes');
  const maxRssRatio = optionalRatio(options.maxRssRatio, 'maxRssRatio');
  const maxHeapRatio = optionalRatio(options.maxHeapRatio, 'maxHeapRatio');
  if (maxRssBytes === undefined && maxRssRatio === undefined && maxHeapRatio === undefined) {
    throw invalidOption('maxRssBytes', 'or maxRssRatio or maxHeapRatio must be given');
  }
  const sample = options.sample ?? processMemory;
  return defineCheck(
    () => {
      const m = sample();
      const problems: string[] = [];
      if (maxRssBytes !== undefined && m.rss > maxRssBytes) problems.push(`rss ${m.rss} bytes above ${maxRssBytes}`);
      if (maxRssRatio !== undefined && m.rss > m.limit * maxRssRatio) {
        problems.push(`rss ${percent(m.rss / m.limit)} of the ${m.limit}-byte limit, above ${percent(maxRssRatio)}`);
      }
      if (maxHeapRatio !== undefined && m.heapUsed > m.heapLimit * maxHeapRatio) {
        problems.push(`heap ${percent(m.heapUsed / m.heapLimit)} of its limit, above ${percent(maxHeapRatio)}`);
      }
      const result = { observedValue: m.rss, observedUnit: 'bytes' };
      return problems.length === 0 ? result : { ...result, status: 'fail', output: problems.join('; ') };
    },
    { componentType: 'system', measurement: 'rss' },
  );
}

/** The cgroup limit when one applies: libuv reads cgroup v1/v2 for `constrainedMemory()`. */
function processMemory(): MemorySample {
  const { rss, heapUsed } = process.memoryUsage();
  const machine = totalmem();
  const constrained = process.constrainedMemory();
  // 0 or a huge sentinel means "no limit"; never report a limit above the machine's memory.
  const limit = constrained > 0 && constrained < machine ? constrained : machine;
  return { rss, heapUsed, heapLimit: getHeapStatistics().heap_size_limit, limit };
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}
