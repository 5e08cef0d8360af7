import type { BusHandlers, BusMessage, BusSubscription, CacheBus } from '../bus.ts';
import { invalidOption as invalid } from '../errors.ts';
import { assertReady, type RedisCommandClient, type RedisSubscriberClient } from './client.ts';

/** Options of {@link redisBus}. */
export interface RedisBusOptions {
  /** Publishes invalidations; may be the same client as the store's. */
  publisher: Pick<RedisCommandClient, 'call' | 'status' | 'isCluster'>;
  /**
   * A connection of its own for SUBSCRIBE (a subscribed connection cannot run other commands): on one node
   * `client.duplicate()`; on a Redis Cluster a `Cluster` too, `cluster.duplicate()`, whose subscription
   * moves to another node when its node dies. (`Cluster.duplicate` takes startup nodes first: options go
   * second, `cluster.duplicate([], { ... })`; a Cluster subscriber needs none.)
   */
  subscriber: RedisSubscriberClient;
  /**
   * Pub/sub channel; caches that should invalidate each other share it, unrelated caches should not.
   * @default 'infra:cache:bus'
   */
  channel?: string;
}

/** The wire form of a message: short keys, JSON. */
interface Wire {
  s: string;
  k?: readonly string[];
  c?: readonly string[];
}

/**
 * Cross-instance invalidation over Redis pub/sub. After the subscriber reconnects, the cache drops
 * its L1, since any message published while it was away is lost.
 *
 * @example
 * const bus = redisBus({ publisher: client, subscriber: client.duplicate() });
 */
export function redisBus(options: RedisBusOptions): CacheBus {
  if (options === null || typeof options !== 'object') throw invalid('options', 'must be an object');
  const { publisher, subscriber, channel = 'infra:cache:bus' } = options;
  if (typeof publisher?.call !== 'function') throw invalid('publisher', 'must be an ioredis client');
  for (const method of ['subscribe', 'unsubscribe', 'on', 'off'] as const) {
    if (typeof subscriber?.[method] !== 'function')
      throw invalid('subscriber', `must be an ioredis client (missing ${method}())`);
  }
  if (subscriber === (publisher as unknown))
    throw invalid('subscriber', 'must be a separate connection from publisher');
  // A plain connection to one master of a cluster hears nothing while that master is down, and nothing says so.
  if (publisher.isCluster === true && subscriber.isCluster !== true) {
    throw invalid(
      'subscriber',
      'must be a Cluster when the publisher is one (cluster.duplicate()): a connection to one node would miss every invalidation while that node is down',
    );
  }
  if (typeof channel !== 'string' || channel.length === 0) throw invalid('channel', 'must be a non-empty string');

  return {
    kind: 'redis',

    async publish(message: BusMessage) {
      assertReady(publisher, 'redisBus.publish');
      const wire: Wire = { s: message.source };
      if (message.keys !== undefined) wire.k = message.keys;
      if (message.counters !== undefined) wire.c = message.counters;
      await publisher.call('PUBLISH', channel, JSON.stringify(wire));
    },

    subscribe(handlers: BusHandlers): BusSubscription {
      let subscribed = false;
      let subscribing = false;
      let stopped = false;
      let lost = false;
      let markReady: () => void = () => {};
      const ready = new Promise<void>((resolve) => {
        markReady = resolve;
      });
      const trySubscribe = (): void => {
        if (subscribed || subscribing || stopped) return;
        subscribing = true;
        subscriber.subscribe(channel).then(
          () => {
            subscribing = false;
            subscribed = true;
            markReady();
          },
          (error: unknown) => {
            subscribing = false;
            handlers.error(error);
          },
        );
      };
      const onMessage = (from: string, text: string): void => {
        if (from !== channel) return;
        let wire: Wire;
        try {
          wire = JSON.parse(text) as Wire;
        } catch (error) {
          handlers.error(error);
          return;
        }
        if (typeof wire?.s !== 'string') return;
        const message: BusMessage = { source: wire.s };
        if (Array.isArray(wire.k)) message.keys = wire.k;
        if (Array.isArray(wire.c)) message.counters = wire.c;
        handlers.message(message);
      };
      const onClose = (): void => {
        if (subscribed) lost = true;
      };
      // ioredis re-subscribes by itself after a reconnect; messages sent meanwhile are lost, hence the resync.
      const onReady = (): void => {
        trySubscribe();
        if (!lost) return;
        lost = false;
        handlers.resync();
      };
      subscriber.on('message', onMessage);
      subscriber.on('close', onClose);
      subscriber.on('ready', onReady);
      if (subscriber.status === undefined || subscriber.status === 'ready') trySubscribe();
      return {
        ready,
        async stop() {
          stopped = true;
          markReady();
          subscriber.off('message', onMessage);
          subscriber.off('close', onClose);
          subscriber.off('ready', onReady);
          if (subscribed && (subscriber.status === undefined || subscriber.status === 'ready')) {
            await subscriber.unsubscribe(channel).catch((error: unknown) => handlers.error(error));
          }
        },
      };
    },
  };
}
