/**
 * The health+json body of draft-inadarei-api-health-check-06: `status` always; the service's
 * `version`/`releaseId`/`serviceId`/`description`; and, only when details are allowed, `checks`
 * keyed `componentName:measurementName` with an array of objects each, plus `output` and `score`.
 */
import type { CheckReport, HealthReport, HealthResponse } from './types.ts';

/** The media type of the draft. */
export const healthJsonType = 'application/health+json';

/** Service identity fields of the health+json top level. */
export interface ServiceInfo {
  /** Public version of the service (`"1"`, `"2.3"`). */
  version?: string;
  /** Release identifier (`"1.2.3"`, a git SHA). */
  releaseId?: string;
  /** Unique identifier of the service, in the application scope. */
  serviceId?: string;
  /** Human-friendly description of the service. */
  description?: string;
}

/** How a report is rendered. */
export interface RenderOptions {
  service: ServiceInfo;
  details: boolean;
  score: boolean;
}

/** A health+json check entry: the draft's fields only. */
export interface HealthJsonCheck {
  componentType?: string;
  observedValue?: unknown;
  observedUnit?: string;
  status: CheckReport['status'];
  time: string;
  output?: string;
}

/** The health+json document. */
export interface HealthJson {
  status: HealthReport['status'];
  version?: string;
  releaseId?: string;
  serviceId?: string;
  description?: string;
  output?: string;
  score?: number;
  checks?: Record<string, HealthJsonCheck[]>;
}

/** Renders a report as a health+json document. */
export function toHealthJson(report: HealthReport, options: RenderOptions): HealthJson {
  const body: HealthJson = { status: report.status };
  const { version, releaseId, serviceId, description } = options.service;
  if (version !== undefined) body.version = version;
  if (releaseId !== undefined) body.releaseId = releaseId;
  if (serviceId !== undefined) body.serviceId = serviceId;
  if (description !== undefined) body.description = description;
  if (options.score) body.score = report.score;
  if (!options.details) return body;
  if (report.output !== undefined && report.status !== 'pass') body.output = report.output;
  const checks: Record<string, HealthJsonCheck[]> = {};
  for (const check of report.checks) {
    // Field order as in the draft's examples.
    const entry = {} as HealthJsonCheck;
    if (check.componentType !== undefined) entry.componentType = check.componentType;
    if (check.observedValue !== undefined) entry.observedValue = check.observedValue;
    if (check.observedUnit !== undefined) entry.observedUnit = check.observedUnit;
    entry.status = check.status;
    entry.time = new Date(check.time).toISOString();
    // The draft: output SHOULD be omitted for "pass".
    if (check.output !== undefined && check.status !== 'pass') entry.output = check.output;
    const list = checks[check.key] ?? [];
    list.push(entry);
    checks[check.key] = list;
  }
  body.checks = checks;
  return body;
}

/** The HTTP answer for a report: 503 for fail (never 500), 200 otherwise; never cached by anyone. */
export function toHealthResponse(report: HealthReport, options: RenderOptions): HealthResponse {
  return {
    status: report.status === 'fail' ? 503 : 200,
    headers: { 'content-type': healthJsonType, 'cache-control': 'no-store' },
    body: JSON.stringify(toHealthJson(report, options)),
    report,
  };
}
