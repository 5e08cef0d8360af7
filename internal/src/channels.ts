// Channel naming of every `@infra` package: `infra:<package>:<event>` on `node:diagnostics_channel`, exported by
// each package as `<package>Channels`. Messages are built only when a channel has subscribers.
import { channel } from 'node:diagnostics_channel';

/**
 * A `node:diagnostics_channel` channel as the public types show it: structural, so a consumer's type check needs
 * no `@types/node` (the object is Node's own `Channel`).
 */
export interface DiagnosticsChannel {
  readonly name: string | symbol;
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** A package's channels by event name, as exported (`cacheChannels.hit`). */
export type Channels<Event extends string> = { readonly [E in Event]: DiagnosticsChannel };

/** The channel name of `event` in `pkg`: `infra:cache:hit`. */
export function channelName(pkg: string, event: string): string {
  return `infra:${pkg}:${event}`;
}

/** The channels of `pkg`, one per event. */
export function defineChannels<const Event extends string>(pkg: string, events: readonly Event[]): Channels<Event> {
  const result = {} as Record<Event, DiagnosticsChannel>;
  for (const event of events) result[event] = channel(channelName(pkg, event));
  return Object.freeze(result);
}

/** Publishes `message()` on `target` only when someone listens, so an unobserved event costs one check. */
export function publish(target: DiagnosticsChannel, message: () => object): void {
  if (target.hasSubscribers) target.publish(message());
}
