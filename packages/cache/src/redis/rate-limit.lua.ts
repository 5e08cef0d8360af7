/**
 * The rate-limit scripts. The evaluate script is generated per rule set, with each rule's algorithm and
 * parameters written into the source: no dispatch, no parameter parsing, only the algorithms in use
 * (Redis caches one script per rule set). Each algorithm is a port of `rate-limit/algorithms.ts`, and
 * the whole a port of `decide()`; the conformance tests hold both to the same boundary cases.
 *
 * KEYS: [1] the subject's key (one per subject and rule set).
 * ARGV: [1] now in ms, or '' to read Redis `TIME`; [2] cost; [3] '1' to consume, '0' to peek;
 *       [4] block ms on rejection.
 * Reply: { allowed, now, blockedUntil, wasBlocked, then per rule: allowed, remaining, resetAt, retryAfterMs }.
 *
 * One key holds the whole state as integers separated by spaces: the block end, then each rule's state
 * (2 or 3 integers). So a check is TIME + GET + at most one SET whatever the number of rules, and the key
 * expires by itself (PX = the longest any part still matters). A part that outlives its meaning is
 * harmless: every algorithm treats a state from an earlier window, or an earlier TAT, as empty.
 * `TIME` before writes is allowed because scripts replicate their effects (the default since Redis 5,
 * the only mode in 7), so Redis >= 5 is required.
 */
import type { CompiledRule } from '../rate-limit/rules.ts';
import { type LuaScript, luaScript } from './lua-script.ts';

const prelude = `
local function floordiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
  return q
end
local function ceildiv(a, b) return -floordiv(-a, b) end
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

const algorithms = {
  'fixed-window': {
    name: 'fixed',
    width: 2,
    source: `
local function fixed(limit, window, s1, s2)
  local start = floordiv(now, window) * window
  local count = 0
  if s1 == start then count = s2 end
  local resetAt = start + window
  local allowed = count + cost <= limit
  return allowed, allowed and 0 or resetAt - now,
    math.max(0, limit - count), resetAt,
    math.max(0, limit - count - cost), resetAt,
    start .. ' ' .. (count + cost), resetAt - now
end`,
  },
  'sliding-window': {
    name: 'sliding',
    width: 3,
    source: `
local function sliding(limit, window, s1, s2, s3)
  local start = floordiv(now, window) * window
  local elapsed = now - start
  local current, previous = 0, 0
  if s1 == start then
    current = s2
    previous = s3
  elseif s1 == start - window then
    previous = s2
  end
  local weighted = previous * (window - elapsed)
  local allowed = weighted + (current + cost) * window <= limit * window
  local retry = 0
  if not allowed then
    if current + cost <= limit then
      retry = window - elapsed - floordiv((limit - current - cost) * window, previous)
    else
      retry = window - elapsed + window - floordiv((limit - cost) * window, current)
    end
  end
  local resetBefore = now
  if current > 0 then resetBefore = start + 2 * window elseif previous > 0 then resetBefore = start + window end
  return allowed, retry,
    math.max(0, floordiv(limit * window - weighted - current * window, window)), resetBefore,
    math.max(0, floordiv(limit * window - weighted - (current + cost) * window, window)), start + 2 * window,
    start .. ' ' .. (current + cost) .. ' ' .. previous, start + 2 * window - now
end`,
  },
  'token-bucket': {
    name: 'bucket',
    width: 2,
    source: `
local function bucket(capacity, refill, interval, s1, s2)
  local tokens, last = capacity, now
  if s1 then
    local steps = math.max(0, floordiv(now - s2, interval))
    tokens = math.min(capacity, s1 + steps * refill)
    last = s2 + steps * interval
  end
  if tokens >= capacity then last = now end
  local after = tokens - cost
  local resetBefore = now
  if tokens < capacity then resetBefore = last + ceildiv(capacity - tokens, refill) * interval end
  local resetAfter = last + ceildiv(capacity - after, refill) * interval
  local allowed = tokens >= cost
  local retry = 0
  if not allowed then retry = last + ceildiv(cost - tokens, refill) * interval - now end
  return allowed, retry,
    tokens, resetBefore,
    math.max(0, after), resetAfter,
    after .. ' ' .. last, math.max(1, resetAfter - now)
end`,
  },
  gcra: {
    name: 'gcra',
    width: 2,
    source: `
local function gcra(rate, window, burst, s1, s2)
  local tatMs, tatRem = now, 0
  if s1 and s1 >= now then
    tatMs = s1
    tatRem = s2
  end
  local debt = (tatMs - now) * rate + tatRem
  local debtAfter = debt + cost * window
  local capacity = burst * window
  local allowed = debtAfter <= capacity
  local nextRem = tatRem + cost * window
  local carry = floordiv(nextRem, rate)
  return allowed, allowed and 0 or ceildiv(debtAfter - capacity, rate),
    math.max(0, floordiv(capacity - debt, window)), now + ceildiv(debt, rate),
    math.max(0, floordiv(capacity - debtAfter, window)), now + ceildiv(debtAfter, rate),
    (tatMs + carry) .. ' ' .. (nextRem - carry * rate), math.max(1, ceildiv(debtAfter, rate))
end`,
  },
} as const;

/** Lua arguments of one rule's algorithm function: its constants, in the function's parameter order. */
function constants(rule: CompiledRule): number[] {
  switch (rule.algorithm) {
    case 'token-bucket':
      return [rule.limit, rule.extra, rule.windowMs];
    case 'gcra':
      return [rule.extra, rule.windowMs, rule.limit];
    default:
      return [rule.limit, rule.windowMs];
  }
}

/** The evaluate script for one rule set. */
export function evaluateScriptFor(rules: readonly CompiledRule[]): LuaScript {
  const used = new Set(rules.map((rule) => rule.algorithm));
  const widths = rules.map((rule) => algorithms[rule.algorithm].width);
  const total = 1 + widths.reduce((sum, width) => sum + width, 0);
  const pattern = `^${Array.from({ length: total }, () => '(%-?%d+)').join(' ')}$`;
  const lines: string[] = [prelude];
  lines.push(`
local cost = tonumber(ARGV[2])
local consume = ARGV[3] == '1'
local blockMs = tonumber(ARGV[4])
local raw = redis.call('GET', KEYS[1])
local s = {}
local blockedUntil = 0
if raw then
  s = { string.match(raw, '${pattern}') }
  for i = 1, #s do s[i] = tonumber(s[i]) end
  blockedUntil = s[1] or tonumber(string.match(raw, '^%-?%d+')) or 0
end`);
  for (const algorithm of used) lines.push(algorithms[algorithm].source);
  let at = 2;
  const names: string[] = [];
  rules.forEach((rule, index) => {
    const i = index + 1;
    const { name, width } = algorithms[rule.algorithm];
    const state = Array.from({ length: width }, (_, k) => `s[${at + k}]`).join(', ');
    at += width;
    lines.push(
      `local ok${i}, re${i}, r${i}, t${i}, ra${i}, ta${i}, n${i}, x${i} = ${name}(${constants(rule).join(', ')}, ${state})`,
    );
    names.push(String(i));
  });
  const all = names.map((i) => `ok${i}`).join(' and ');
  const ttl = names.map((i) => `x${i}`).join(', ');
  const state = names.map((i) => `n${i}`).join(" .. ' ' .. ");
  const reply = names
    .map((i) => `ok${i} and 1 or 0, commit and ra${i} or r${i}, commit and ta${i} or t${i}, re${i}`)
    .join(',\n  ');
  lines.push(`
local blocked = blockedUntil > now
local every = (not blocked) and ${all}
local commit = every and consume
local ttl = math.max(1, ${ttl})
local untilMs = 0
if blocked then
  untilMs = blockedUntil
elseif commit then
  redis.call('SET', KEYS[1], '0 ' .. ${state}, 'PX', ttl)
elseif consume and blockMs > 0 and not every then
  untilMs = now + blockMs
  local rest = ''
  if raw then rest = string.match(raw, '^%S+(.*)$') end
  redis.call('SET', KEYS[1], untilMs .. rest, 'PX', math.max(ttl, blockMs))
end
return { every and 1 or 0, now, untilMs, blocked and 1 or 0,
  ${reply} }
`);
  return luaScript(lines.join('\n'));
}

/**
 * KEYS: [1] the subject's key. ARGV: [1] now or '', [2] block ms. Sets the block end in the state (unless a
 * longer block is in place), keeping the rules' state, and makes the key live at least as long as the block.
 */
export const blockScript = luaScript(`${prelude}
local ms = tonumber(ARGV[2])
local untilMs = now + ms
local raw = redis.call('GET', KEYS[1])
local current = 0
local rest = ''
if raw then
  current = tonumber(string.match(raw, '^%S+')) or 0
  rest = string.match(raw, '^%S+(.*)$')
end
if untilMs > current then
  local ttl = math.max(ms, redis.call('PTTL', KEYS[1]))
  redis.call('SET', KEYS[1], untilMs .. rest, 'PX', ttl)
end
return untilMs
`);
