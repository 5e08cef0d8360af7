import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './scenario.ts';

/** Scenario names available in `dir` (file names without `.ts`). */
export function listScenarios(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

/** The scenarios to run: all, or those named; an unknown name is an error listing the known ones. */
export function selectScenarios(available: readonly string[], requested: readonly string[]): string[] {
  if (requested.length === 0) return [...available];
  const unknown = requested.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}. Available: ${available.join(', ') || '(none)'}`);
  }
  return [...requested];
}

export async function loadScenario(dir: string, name: string): Promise<Scenario> {
  const module = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as { default?: Scenario };
  if (!module.default || typeof module.default.run !== 'function') {
    throw new Error(
      `bench/scenarios/${name}.ts must default-export defineScenario({ name, ours, peer, description, run })`,
    );
  }
  return module.default;
}
