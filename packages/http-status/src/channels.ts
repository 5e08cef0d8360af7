// What @infra/http-status tells observers, on `node:diagnostics_channel`. Only what a client was told (and the
// error's code): the detail of a 5xx stays with the app's logger, never on a channel anyone may subscribe to.
import { type Channels, defineChannels } from '../../../internal/src/index.ts';

/** Events of @infra/http-status, each on the channel `infra:http-status:<event>`. */
export type HttpStatusEvent = 'problem';

/** The `node:diagnostics_channel` channels of @infra/http-status: `httpStatusChannels.problem` is `infra:http-status:problem`. */
export const httpStatusChannels: Channels<HttpStatusEvent> = defineChannels('http-status', ['problem']);

/** Published on `httpStatusChannels.problem` each time an error is turned into a problem response. */
export interface ProblemEvent {
  /** The status answered. */
  status: number;
  /** The problem's `type` member. */
  type: string;
  /** The problem's `title` member. */
  title: string;
  /** The error's own `code` (`ERR_CACHE_CLOSED`, `ERR_HTTP_404`, `HPE_HEADER_OVERFLOW`), when it has a string one. */
  code?: string;
  /** The detail the client was shown: 4xx only, never the detail of a 5xx. */
  detail?: string;
  /** The request method, when known. */
  method?: string;
  /** The problem's `instance` member, when it has one. */
  instance?: string;
  /** The problem's `traceId` member, when it has one. */
  traceId?: string;
}
