import { statfs } from 'node:fs/promises';
import { invalidOption } from '../errors.ts';
import type { HealthCheck } from '../types.ts';
import { defineCheck } from './define.ts';
import { optionalNumber, optionalRatio } from './thresholds.ts';

/** Options of {@link diskCheck}; give `minFreeBytes`, `minFreeRatio`, or both. */
export interface DiskCheckOptions {
  /** A path on the file system to watch. @default '/' */
  path?: string;
  /** Fail when fewer bytes than this are available to the process. @default undefined */
  minFreeBytes?: number;
  /** Fail when less than this share (0–1) of the file system is available. @default undefined */
  minFreeRatio?: number;
  /** The statfs to use (tests). @default fs.promises.statfs */
  statfs?: (path: string) => Promise<{ bsize: number; blocks: number; bavail: number }>;
}

/**
 * Free disk space of the file system holding `path` (`fs.statfs`, space available to unprivileged users).
 *
 * @example health.register('disk', diskCheck({ path: '/var/data', minFreeRatio: 0.1 }))
 */
export function diskCheck(options: DiskCheckOptions): HealthCheck {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'must be an object');
  const path = options.path ?? '/';
  if (typeof path !== 'string' || path === '') throw invalidOption('path', 'must be a non-empty path');
  const minFreeBytes = optionalNumber(options.minFreeBytes, 'minFreeBytes');
  const minFreeRatio = optionalRatio(options.minFreeRatio, 'minFreeRatio');
  if (minFreeBytes === undefined && minFreeRatio === undefined) {
    throw invalidOption('minFreeBytes', 'or minFreeRatio must be given');
  }
  const stat = options.statfs ?? statfs;
  return defineCheck(
    async () => {
      const fs = await stat(path);
      const free = fs.bavail * fs.bsize;
      const ratio = fs.blocks === 0 ? 0 : fs.bavail / fs.blocks;
      const problems: string[] = [];
      if (minFreeBytes !== undefined && free < minFreeBytes) problems.push(`${free} bytes free, below ${minFreeBytes}`);
      if (minFreeRatio !== undefined && ratio < minFreeRatio) {
        problems.push(`${(ratio * 100).toFixed(1)}% free, below ${(minFreeRatio * 100).toFixed(1)}%`);
      }
      const result = { observedValue: free, observedUnit: 'bytes' };
      return problems.length === 0 ? result : { ...result, status: 'fail', output: problems.join('; ') };
    },
    { componentType: 'system', measurement: 'free' },
  );
}
