// `@infra/auth/throttle`: login throttling on `@infra/cache`'s rate limiter (an optional peer dependency, so only
// apps importing this subpath need it).
export {
  createLoginThrottle,
  type LoginAttempt,
  type LoginBackoff,
  type LoginLimit,
  type LoginThrottle,
  type LoginThrottleDecision,
  type LoginThrottleOptions,
  type LoginThrottleStats,
} from './login-throttle.ts';
