/**
 * Reads a Prometheus text exposition with a real parser, and sums a family's samples by labels.
 * parse-prometheus-text-format 1.1.1 folds every labelled series of a histogram into one sample without labels,
 * count or sum (its `flattenMetrics`), so histogram counts are read from their `_count` lines here.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

export function parseMetrics(text: string): Map<string, PrometheusFamily> {
  return new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
}

/** The sum of a counter's (or histogram's count of) samples whose labels include `labels`. */
export function total(
  families: Map<string, PrometheusFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.get(name);
  if (!family) return 0;
  let sum = 0;
  for (const sample of family.metrics) {
    if (!Object.entries(labels).every(([k, v]) => sample.labels?.[k] === v)) continue;
    sum += Number(sample.value ?? sample.count ?? 0);
  }
  return sum;
}

/** The sum of a histogram's `_count` series whose labels include `labels`. */
export function histogramCount(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_count\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (!match) continue;
    const found = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) sum += Number(match[2]);
  }
  return sum;
}
