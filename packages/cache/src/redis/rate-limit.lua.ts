/**
 * The rate-limit scripts. The evaluate script is generated per rule set, with each rule's algorithm and
 * parameters written into the source as constants and each rule inline in its own `do ... end` block: no
 * dispatch, no parameter parsing, no Lua functions to create on every call, only the algorithms in use
 * (Redis caches one script per rule set). Each block is a port of `rate-limit/algorithms.ts`, and the
 * whole a port of `decide()`; the conformance and equivalence tests hold both to the same answers.
 *
 * Two scripts per rule set: one checks one subject; the other checks several, in order, as if each were its
 * own call, so that the store can send the checks of one tick together (see `script-batch.ts`) with one
 * `EVALSHA`, one reply and one round trip for all of them. Their arguments are in `EvaluateScripts`: a cost
 * is negative to peek (decide, record nothing); the block (ms, on rejection) is per limiter, so one per call;
 * now (ms) is passed only at client time.
 * Reply: one string of little-endian doubles, per key { verdict, now, blockedUntil, then per rule: remaining,
 *        resetAt, retryAfterMs }, where verdict is 1 (allowed), 0 (rejected by a rule) or 2 (rejected: the
 *        key was blocked) and a rule allowed exactly when its retryAfterMs is 0 (a rule that rejects always
 *        asks for a wait of at least 1 ms). Packed rather than an array of integers: Redis turns a Lua table
 *        into a reply element by element, which cost more than the whole algorithm, and the client reads one
 *        buffer instead of parsing 3 + 3 per rule numbers per key.
 *
 * One key holds the whole state, packed with Redis' `struct` library: a layout tag byte, the block end,
 * the key's expiry, then each rule's state (2 or 3 integers), each a little-endian double (exact for every
 * integer the algorithms reach, all below 2^53). A key holding only the tag, the block end and the expiry
 * is a block without rule state. Packing keeps the script cheap: formatting numbers as text and parsing
 * them back cost more Redis time than the algorithms do. So a check is GET + PTTL (see `readNow`) + at most
 * one SET whatever the number of rules, and the key expires by itself (at the latest moment any part still
 * matters; when that moment has not moved, as within a fixed or sliding window, the SET keeps the expiry it
 * has, which is cheaper than setting it again). A part that outlives its meaning is harmless: every
 * algorithm treats a state from an earlier window, or an earlier TAT, as empty. A value without the tag
 * (an older layout, or anything else) reads as no state.
 * Reading the clock before writes is allowed because scripts replicate their effects (the default since
 * Redis 5, the only mode in 7); `SET ... PXAT` came in Redis 6.2, so Redis >= 6.2 is required.
 */
import type { CompiledRule } from '../rate-limit/rules.ts';
import { type LuaScript, luaScript } from './lua-script.ts';

/** First byte of every packed state: the layout's version, so that no other layout is ever misread. */
const tag = 4;

/** Bytes of a state holding only a block: the tag, the block's end and the key's expiry. */
const blockOnlyLength = 1 + 8 * 2;

/**
 * Sets `now` for the key in `key`: from `nowArg` (a Lua expression) when the caller passes client time,
 * otherwise the Redis clock. A key this script wrote carries its own absolute expiry (`storedExpiry`,
 * written with `PXAT`, or kept with `KEEPTTL`, so it is exactly the key's expiry), and then `now` is that
 * expiry minus `PTTL`: the server's time in milliseconds, for half the cost of `TIME` (a command whose reply
 * Lua must turn into a table of strings and then into numbers). `PTTL` answers -1 for a key without an
 * expiry (someone ran `PERSIST` on it); only then, or for a key without state, does the script read `TIME`.
 * `exact` says the key's expiry is known to be the stored one, so that a write may keep it (`KEEPTTL`).
 */
const readNow = (nowArg: string) => `
local now
local exact = false
if not serverTime then
  now = tonumber(${nowArg})
else
  if storedExpiry > 0 then
    local left = redis.call('PTTL', key)
    if left >= 0 then
      now = storedExpiry - left
      exact = true
    end
  end
  if not now then
    local t = redis.call('TIME')
    now = t[1] * 1000 + floor(t[2] / 1000)
  end
end
`;

/**
 * How much longer than its state needs a key lives at client time. Redis expires keys by its own clock,
 * which is not the one deciding: with a test's frozen clock, or an app server whose clock lags Redis', a
 * key timed exactly would vanish while its state still counts (a 1 ms bucket refill, the last millisecond
 * of a window), and the next check would start afresh. A state read after its expiry answers like no state
 * at all (every algorithm below starts over once its window or refill has passed), so the grace changes no
 * answer; it only keeps the key until the deciding clock has caught up.
 */
export const clientTimeGraceMs = 10_000;

/**
 * `SET key value` with the key living until `expiry` (ms): `PXAT` at server time, so that the stored expiry
 * is the key's expiry to the millisecond; at client time `PX` from the client's `now`, plus the grace above.
 */
const setExpiringAt = (value: string, expiry: string) =>
  `redis.call('SET', key, ${value}, serverTime and 'PXAT' or 'PX', string.format('%d', serverTime and ${expiry} or ${expiry} - now + ${clientTimeGraceMs}))`;

/*
 * Integer division is `floor(a / b)` on doubles: for integers with |a| < 2^53 (`compileRules` keeps every
 * product the algorithms form below 2^51) the float quotient is never close enough to an integer to round
 * onto it, so the floor is exact. `x - x % w` (the start of x's window) is exact for the same reason.
 */
const floordiv = (a: string, b: string | number) => `floor((${a}) / ${b})`;
const ceildiv = (a: string, b: string | number) => `-floor((${a}) / -${b})`;

/** The Lua names one rule's block reads and assigns. */
interface RuleNames {
  /** State variables: read as the stored state, assigned the state to store. */
  s: readonly string[];
  /** Outputs: allowed, retryAfter, remaining/reset before consuming, remaining/reset after. */
  ok: string;
  re: string;
  r: string;
  t: string;
  ra: string;
  ta: string;
}

/**
 * One rule's block. Every block also raises `expiresAt` to when its new state stops mattering. Constants
 * are folded here (exact: `compileRules` keeps every product below 2^53).
 */
function ruleBlock(rule: CompiledRule, n: RuleNames): string {
  const { ok, re, r, t, ra, ta } = n;
  switch (rule.algorithm) {
    case 'fixed-window': {
      const [s1, s2] = n.s;
      const limit = rule.limit;
      const window = rule.windowMs;
      return `
do
  local start = now - now % ${window}
  local count = 0
  if ${s1} == start then count = ${s2} end
  ${t} = start + ${window}
  ${ok} = count + cost <= ${limit}
  ${re} = ${ok} and 0 or ${t} - now
  ${r} = max(0, ${limit} - count)
  ${ra} = max(0, ${limit} - count - cost)
  ${ta} = ${t}
  ${s1} = start
  ${s2} = count + cost
  if ${ta} > expiresAt then expiresAt = ${ta} end
end`;
    }
    case 'sliding-window': {
      const [s1, s2, s3] = n.s;
      const limit = rule.limit;
      const window = rule.windowMs;
      const quota = limit * window;
      return `
do
  local start = now - now % ${window}
  local elapsed = now - start
  local current, previous = 0, 0
  if ${s1} == start then
    current = ${s2}
    previous = ${s3}
  elseif ${s1} == start - ${window} then
    previous = ${s2}
  end
  local weighted = previous * (${window} - elapsed)
  ${ok} = weighted + (current + cost) * ${window} <= ${quota}
  ${re} = 0
  if not ${ok} then
    if current + cost <= ${limit} then
      ${re} = ${window} - elapsed - ${floordiv(`(${limit} - current - cost) * ${window}`, 'previous')}
    else
      ${re} = ${2 * window} - elapsed - ${floordiv(`(${limit} - cost) * ${window}`, 'current')}
    end
  end
  ${r} = max(0, ${floordiv(`${quota} - weighted - current * ${window}`, window)})
  ${t} = now
  if current > 0 then ${t} = start + ${2 * window} elseif previous > 0 then ${t} = start + ${window} end
  ${ra} = max(0, ${floordiv(`${quota} - weighted - (current + cost) * ${window}`, window)})
  ${ta} = start + ${2 * window}
  ${s1} = start
  ${s2} = current + cost
  ${s3} = previous
  if ${ta} > expiresAt then expiresAt = ${ta} end
end`;
    }
    case 'token-bucket': {
      const [s1, s2] = n.s;
      const capacity = rule.limit;
      const refill = rule.extra;
      const interval = rule.windowMs;
      return `
do
  local tokens, last = ${capacity}, now
  if ${s1} then
    local steps = max(0, ${floordiv(`now - ${s2}`, interval)})
    tokens = min(${capacity}, ${s1} + steps * ${refill})
    last = ${s2} + steps * ${interval}
  end
  if tokens >= ${capacity} then last = now end
  local after = tokens - cost
  ${ok} = tokens >= cost
  ${re} = 0
  if not ${ok} then ${re} = last + ${ceildiv('cost - tokens', refill)} * ${interval} - now end
  ${r} = tokens
  ${t} = now
  if tokens < ${capacity} then ${t} = last + ${ceildiv(`${capacity} - tokens`, refill)} * ${interval} end
  ${ra} = max(0, after)
  ${ta} = last + ${ceildiv(`${capacity} - after`, refill)} * ${interval}
  ${s1} = after
  ${s2} = last
  if ${ta} > expiresAt then expiresAt = ${ta} end
end`;
    }
    case 'gcra': {
      const [s1, s2] = n.s;
      const rate = rule.extra;
      const window = rule.windowMs;
      const capacity = rule.limit * window;
      return `
do
  local tatMs, tatRem = now, 0
  if ${s1} and ${s1} >= now then
    tatMs = ${s1}
    tatRem = ${s2}
  end
  local debt = (tatMs - now) * ${rate} + tatRem
  local debtAfter = debt + cost * ${window}
  ${ok} = debtAfter <= ${capacity}
  ${re} = ${ok} and 0 or ${ceildiv(`debtAfter - ${capacity}`, rate)}
  ${r} = max(0, ${floordiv(`${capacity} - debt`, window)})
  ${t} = now + ${ceildiv('debt', rate)}
  ${ra} = max(0, ${floordiv(`${capacity} - debtAfter`, window)})
  ${ta} = now + ${ceildiv('debtAfter', rate)}
  local nextRem = tatRem + cost * ${window}
  local carry = ${floordiv('nextRem', rate)}
  ${s1} = tatMs + carry
  ${s2} = nextRem - carry * ${rate}
  if ${ta} > expiresAt then expiresAt = ${ta} end
end`;
    }
  }
}

/** Integers of state each algorithm keeps. */
const widths = { 'fixed-window': 2, 'sliding-window': 3, 'token-bucket': 2, gcra: 2 } as const;

/** The evaluate scripts of one rule set: for one key, and for a batch of keys. */
export interface EvaluateScripts {
  /** KEYS: [1] the key. ARGV: [1] cost, [2] block ms (may be absent for 0), [3] now (absent: the Redis clock). */
  readonly one: LuaScript;
  /**
   * KEYS: the keys, checked in order. ARGV: [1] block ms, then per key its cost and, at client time only, its
   * now. Replies with every key's reply, one after the other.
   */
  readonly many: LuaScript;
}

/** The evaluate scripts for one rule set. */
export function evaluateScriptsFor(rules: readonly CompiledRule[]): EvaluateScripts {
  const names: RuleNames[] = rules.map((rule, index) => {
    const i = index + 1;
    return {
      s: Array.from({ length: widths[rule.algorithm] }, (_, k) => `s${i}_${k + 1}`),
      ok: `ok${i}`,
      re: `re${i}`,
      r: `r${i}`,
      t: `t${i}`,
      ra: `ra${i}`,
      ta: `ta${i}`,
    };
  });
  const state = names.flatMap((n) => n.s).join(', ');
  const doubles = 'd'.repeat(names.flatMap((n) => n.s).length);
  // Tag byte, block end, expiry, every rule's state.
  const length = 1 + 8 * (2 + doubles.length);
  const outputs = names.flatMap((n) => [n.ok, n.re, n.r, n.t, n.ra, n.ta]).join(', ');
  const reply = names.map((n) => `commit and ${n.ra} or ${n.r}, commit and ${n.ta} or ${n.t}, ${n.re}`).join(',\n  ');
  /** One key's check: reads `key`, `cost`, `blockMs`, `serverTime` and the now expression; sets `result`. */
  const check = (nowArg: string) => `
local consume = cost > 0
if not consume then cost = -cost end
local raw = redis.call('GET', key)
local full = false
local blockedUntil, storedExpiry = 0, 0
local ${state}
if raw and string.byte(raw) == ${tag} then
  if #raw == ${length} then
    full = true
    blockedUntil, storedExpiry, ${state} = struct.unpack('<dd${doubles}', raw, 2)
  elseif #raw == ${blockOnlyLength} then
    blockedUntil, storedExpiry = struct.unpack('<dd', raw, 2)
  end
end
${readNow(nowArg)}
local expiresAt = now + 1
local ${outputs}
${rules.map((rule, index) => ruleBlock(rule, names[index] as RuleNames)).join('\n')}
local blocked = blockedUntil > now
local every = (not blocked) and ${names.map((n) => n.ok).join(' and ')}
local commit = every and consume
local untilMs = 0
if blocked then
  untilMs = blockedUntil
elseif commit then
  local packed = struct.pack('<Bdd${doubles}', ${tag}, 0, expiresAt, ${state})
  -- The stored expiry is the key's (see readNow): when it has not moved, the key keeps it, which is cheaper.
  if exact and expiresAt == storedExpiry then
    redis.call('SET', key, packed, 'KEEPTTL')
  else
    ${setExpiringAt('packed', 'expiresAt')}
  end
elseif consume and blockMs > 0 and not every then
  untilMs = now + blockMs
  -- The rules' state stays as it was (a rejection consumes nothing); the key lives at least to the block's end.
  local expiry = max(expiresAt, untilMs, storedExpiry)
  local rest = ''
  if full then rest = string.sub(raw, ${1 + 8 * 2 + 1}) end
  ${setExpiringAt(`struct.pack('<Bdd', ${tag}, untilMs, expiry) .. rest`, 'expiry')}
end
local result = struct.pack('<ddd${'ddd'.repeat(rules.length)}', every and 1 or (blocked and 2 or 0), now, untilMs,
  ${reply})`;
  const prelude = 'local floor, max, min = math.floor, math.max, math.min';
  // Every argument costs Redis a parse and Lua a string: the one-key script takes no more than it needs.
  const one = luaScript(`${prelude}
local key = KEYS[1]
local cost = tonumber(ARGV[1])
local blockMs = tonumber(ARGV[2]) or 0
local serverTime = ARGV[3] == nil
${check('ARGV[3]')}
return result
`);
  const many = luaScript(`${prelude}
local stride = (#ARGV - 1) / #KEYS
local serverTime = stride == 1
local blockMs = tonumber(ARGV[1])
local results = {}
for k = 1, #KEYS do
local key = KEYS[k]
local cost = tonumber(ARGV[2 + (k - 1) * stride])
${check('ARGV[3 + (k - 1) * stride]')}
results[k] = result
end
return table.concat(results)
`);
  return { one, many };
}

/**
 * KEYS: [1] the subject's key. ARGV: [1] block ms, [2] now (absent: the Redis clock). Sets the block end in
 * the state (unless a longer block is in place), keeping the rules' state, and makes the key live at least
 * as long as the block. Replies with the block's end as a packed double.
 */
export const blockScript = luaScript(`
local floor, max = math.floor, math.max
local key = KEYS[1]
local serverTime = ARGV[2] == nil
local ms = tonumber(ARGV[1])
local raw = redis.call('GET', key)
local blockedUntil, storedExpiry = 0, 0
local rest = ''
if raw and string.byte(raw) == ${tag} and #raw >= ${blockOnlyLength} then
  blockedUntil, storedExpiry = struct.unpack('<dd', raw, 2)
  rest = string.sub(raw, ${blockOnlyLength + 1})
end
${readNow('ARGV[2]')}
local untilMs = now + ms
if untilMs > blockedUntil then
  local expiry = max(untilMs, storedExpiry)
  ${setExpiringAt(`struct.pack('<Bdd', ${tag}, untilMs, expiry) .. rest`, 'expiry')}
end
return struct.pack('<d', untilMs)
`);
