/**
 * A validator of the MUST-level rules of draft-inadarei-api-health-check-06 ("Health Check Response Format for
 * HTTP APIs"), written from the draft, independent of the code under test. Every HTTP answer the tests see goes
 * through `validateHealthResponse`; a document alone through `validateHealthJson`.
 *
 * Rules (section numbers of the draft):
 * - 3: the media type is `application/health+json`; the body is a JSON object.
 * - 3.1 status: REQUIRED; "pass", "fail" or "warn" (the draft allows "ok"/"up" and "error"/"down" only as
 *   aliases a consumer may meet in legacy systems; the format itself spells pass/fail/warn, and so do we).
 *   For "pass" and "warn" the HTTP status MUST be 2xx–3xx; for "fail" it MUST be 4xx–5xx.
 * - 3.2–3.3 version, releaseId; 3.5 output; 3.9 serviceId; 3.10 description: strings when present.
 * - 3.4 notes: an array of strings when present.
 * - 3.6 checks: an object; each key is "componentName:measurementName" (either part may stand alone, the
 *   colon only separates them); each value an array of check objects.
 * - 3.7 links: an object whose values are URI strings when present.
 * - 4 check objects: componentId, componentType, observedUnit, output strings; status as in 3.1;
 *   affectedEndpoints an array of URI-template strings; time an ISO 8601 date-time; links as in 3.7.
 */

export interface HealthJsonViolation {
  path: string;
  rule: string;
}

const statuses = new Set(['pass', 'fail', 'warn']);
/** ISO 8601 / RFC 3339 date-time, the profile the draft's examples use. */
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Violations of the draft's MUST rules in a parsed health+json document (empty when it conforms). */
export function validateHealthJson(document: unknown): HealthJsonViolation[] {
  const violations: HealthJsonViolation[] = [];
  const fail = (path: string, rule: string) => violations.push({ path, rule });
  if (!isObject(document)) {
    fail('$', 'the document is a JSON object');
    return violations;
  }
  if (!('status' in document)) fail('$.status', 'status is required');
  else if (!statuses.has(document.status as string)) fail('$.status', 'status is pass, fail or warn');
  for (const field of ['version', 'releaseId', 'output', 'serviceId', 'description']) {
    if (field in document && typeof document[field] !== 'string') fail(`$.${field}`, `${field} is a string`);
  }
  if ('notes' in document) {
    const notes = document.notes;
    if (!Array.isArray(notes) || notes.some((n) => typeof n !== 'string'))
      fail('$.notes', 'notes is an array of strings');
  }
  if ('links' in document) validateLinks(document.links, '$.links', fail);
  if ('checks' in document) {
    const checks = document.checks;
    if (!isObject(checks)) fail('$.checks', 'checks is an object');
    else {
      for (const [key, value] of Object.entries(checks)) {
        const path = `$.checks[${JSON.stringify(key)}]`;
        const parts = key.split(':');
        if (key === '' || parts.length > 2 || parts.some((p) => p === '')) {
          fail(path, 'the key is "componentName:measurementName" (or one of them alone)');
        }
        if (!Array.isArray(value)) {
          fail(path, 'each checks value is an array of objects');
          continue;
        }
        for (const [i, entry] of value.entries()) validateCheck(entry, `${path}[${i}]`, fail);
      }
    }
  }
  return violations;
}

function validateCheck(entry: unknown, path: string, fail: (path: string, rule: string) => void): void {
  if (!isObject(entry)) {
    fail(path, 'a check is an object');
    return;
  }
  for (const field of ['componentId', 'componentType', 'observedUnit', 'output']) {
    if (field in entry && typeof entry[field] !== 'string') fail(`${path}.${field}`, `${field} is a string`);
  }
  if ('status' in entry && !statuses.has(entry.status as string))
    fail(`${path}.status`, 'status is pass, fail or warn');
  if ('affectedEndpoints' in entry) {
    const endpoints = entry.affectedEndpoints;
    if (!Array.isArray(endpoints) || endpoints.some((e) => typeof e !== 'string')) {
      fail(`${path}.affectedEndpoints`, 'affectedEndpoints is an array of URI templates');
    }
  }
  if ('time' in entry) {
    const time = entry.time;
    if (typeof time !== 'string' || !isoDateTime.test(time) || Number.isNaN(Date.parse(time))) {
      fail(`${path}.time`, 'time is an ISO 8601 date-time');
    }
  }
  if ('links' in entry) validateLinks(entry.links, `${path}.links`, fail);
}

function validateLinks(links: unknown, path: string, fail: (path: string, rule: string) => void): void {
  if (!isObject(links) || Object.values(links).some((v) => typeof v !== 'string')) {
    fail(path, 'links is an object of URI strings');
  }
}

/** Violations in an HTTP answer: the media type, the status code against the body's status, and the body. */
export function validateHealthResponse(answer: {
  status: number;
  contentType: string | null | undefined;
  body: string;
}): HealthJsonViolation[] {
  const violations: HealthJsonViolation[] = [];
  const mediaType = answer.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/health+json') {
    violations.push({ path: 'Content-Type', rule: 'the media type is application/health+json' });
  }
  let document: unknown;
  try {
    document = JSON.parse(answer.body);
  } catch {
    return [...violations, { path: '$', rule: 'the body is JSON' }];
  }
  violations.push(...validateHealthJson(document));
  const status = isObject(document) ? document.status : undefined;
  if ((status === 'pass' || status === 'warn') && !(answer.status >= 200 && answer.status < 400)) {
    violations.push({ path: 'HTTP status', rule: `"${status}" is answered with a 2xx-3xx code` });
  }
  if (status === 'fail' && !(answer.status >= 400 && answer.status < 600)) {
    violations.push({ path: 'HTTP status', rule: '"fail" is answered with a 4xx-5xx code' });
  }
  return violations;
}

/** Reads a fetch `Response` and validates it; returns the parsed body for further assertions. */
export async function readHealthResponse(
  response: Response,
): Promise<{ violations: HealthJsonViolation[]; body: Record<string, unknown> }> {
  const text = await response.text();
  const violations = validateHealthResponse({
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text,
  });
  return { violations, body: JSON.parse(text) as Record<string, unknown> };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
