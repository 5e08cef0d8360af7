/**
 * The rate-limit scripts. The evaluate script is generated per rule set, with each rule's algorithm and
 * parameters written into the source as constants and each rule inline in its own `do ... end` block: no
 * dispatch, no parameter parsing, no Lua functions to create on every call, only the algorithms in use
 * (Redis caches one script per rule set). Each block is a port of `rate-limit/algorithms.ts`, and the
 * whole a port of `decide()`; the conformance and equivalence tests hold both to the same answers.
 *
 * KEYS: [1] the subject's key (one per subject and rule set).
 * ARGV: [1] the cost, negative to peek (decide, record nothing); [2] block ms on rejection, absent for 0;
 *       [3] now in ms, absent to read Redis `TIME`. As few arguments as the call needs: each one is parsed
 *       by Redis and made a Lua string on every call.
 * Reply: a flat array of integers, { verdict, now, blockedUntil, then per rule: remaining, resetAt, retryAfterMs },
 *        where verdict is 1 (allowed), 0 (rejected by a rule) or 2 (rejected: the key was blocked) and a rule
 *        allowed exactly when its retryAfterMs is 0 (a rule that rejects always asks for a wait of at least
 *        1 ms). Short, so that Redis writes and the client parses as little as possible.
 *
 * One key holds the whole state, packed with Redis' `struct` library: a layout tag byte, the block end,
 * when the key expires, then each rule's state (2 or 3 integers), each a little-endian double (exact for
 * every integer the algorithms reach, all below 2^53). A key holding only the tag and the block end is a
 * block without rule state. Packing keeps the script cheap: formatting numbers as text and parsing them
 * back cost more Redis time than the algorithms do. So a check is TIME + GET + at most one SET whatever
 * the number of rules, and the key expires by itself (PX = the longest any part still matters; when that
 * moment has not moved, as within a fixed or sliding window, the SET keeps the expiry it has, which is
 * cheaper than setting it again). A part that outlives its meaning is harmless: every algorithm treats a
 * state from an earlier window, or an earlier TAT, as empty. A value without the tag (an older text
 * state, or anything else) reads as no state.
 * `TIME` before writes is allowed because scripts replicate their effects (the default since Redis 5,
 * the only mode in 7), and `SET ... KEEPTTL` came in Redis 6, so Redis >= 6 is required.
 */
import type { CompiledRule } from '../rate-limit/rules.ts';
import { type LuaScript, luaScript } from './lua-script.ts';

/** First byte of every packed state: the layout's version, so that no other layout is ever misread. */
const tag = 3;

/** Reads `now` from `ARGV[nowArg]`, or from Redis `TIME` when that argument is absent. */
const prelude = (nowArg: number) => `
local floor, max, min = math.floor, math.max, math.min
local serverTime = ARGV[${nowArg}] == nil
local now
if serverTime then
  local t = redis.call('TIME')
  now = t[1] * 1000 + floor(t[2] / 1000)
else
  now = tonumber(ARGV[${nowArg}])
end
`;

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

/** The evaluate script for one rule set. */
export function evaluateScriptFor(rules: readonly CompiledRule[]): LuaScript {
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
  return luaScript(`${prelude(3)}
local cost = tonumber(ARGV[1])
local consume = cost > 0
if not consume then cost = -cost end
local blockMs = tonumber(ARGV[2]) or 0
local raw = redis.call('GET', KEYS[1])
local full = false
local blockedUntil, storedExpiry, ${state} = 0
if raw and string.byte(raw) == ${tag} then
  if #raw == ${length} then
    full = true
    blockedUntil, storedExpiry, ${state} = struct.unpack('<dd${doubles}', raw, 2)
  elseif #raw == 9 then
    blockedUntil = struct.unpack('<d', raw, 2)
  end
end
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
  -- At server time the key's expiry is the stored one (or later, after a block); keep it when unchanged.
  if serverTime and expiresAt == storedExpiry then
    redis.call('SET', KEYS[1], packed, 'KEEPTTL')
  else
    redis.call('SET', KEYS[1], packed, 'PX', string.format('%d', expiresAt - now))
  end
elseif consume and blockMs > 0 and not every then
  untilMs = now + blockMs
  local rest = ''
  if full then rest = string.sub(raw, 10) end
  redis.call('SET', KEYS[1], struct.pack('<Bd', ${tag}, untilMs) .. rest, 'PX', string.format('%d', max(expiresAt - now, blockMs)))
end
return { every and 1 or (blocked and 2 or 0), now, untilMs,
  ${reply} }
`);
}

/**
 * KEYS: [1] the subject's key. ARGV: [1] block ms, [2] now (absent: Redis `TIME`). Sets the block end in the state (unless a
 * longer block is in place), keeping the rules' state, and makes the key live at least as long as the block.
 */
export const blockScript = luaScript(`${prelude(2)}
local ms = tonumber(ARGV[1])
local untilMs = now + ms
local raw = redis.call('GET', KEYS[1])
local current = 0
local rest = ''
if raw and string.byte(raw) == ${tag} and #raw >= 9 then
  current = struct.unpack('<d', raw, 2)
  rest = string.sub(raw, 10)
end
if untilMs > current then
  local ttl = max(ms, redis.call('PTTL', KEYS[1]))
  redis.call('SET', KEYS[1], struct.pack('<Bd', ${tag}, untilMs) .. rest, 'PX', string.format('%d', ttl))
end
return untilMs
`);
