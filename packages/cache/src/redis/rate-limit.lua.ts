/**
 * The rate-limit scripts. `evaluate` is a port of `rate-limit/algorithms.ts` + `decide()` and must stay
 * line-for-line equivalent (the conformance tests run the same boundary cases on both).
 *
 * KEYS: [1] the block key, [2..n+1] one key per rule.
 * ARGV: [1] now in ms, or '' to read Redis `TIME`; [2] cost; [3] '1' to consume, '0' to peek;
 *       [4] block ms on rejection; [5] n; then per rule: algorithm code, limit, window ms, extra.
 * Reply: { allowed, now, blockedUntil, wasBlocked, then per rule: allowed, remaining, resetAt, retryAfterMs }.
 *
 * State is a short string of integers ("start count") set with PX, so each key expires by itself.
 * `TIME` before writes is allowed because scripts replicate their effects (the default since Redis 5,
 * the only mode in 7); `redis.replicate_commands()` turns it on for 3.2–4.x.
 */
import { luaScript } from './lua-script.ts';

const prelude = `
if redis.replicate_commands then redis.replicate_commands() end
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

export const evaluateScript = luaScript(`${prelude}
local cost = tonumber(ARGV[2])
local consume = ARGV[3] == '1'
local blockMs = tonumber(ARGV[4])
local n = tonumber(ARGV[5])

local function parse(value)
  if not value then return nil end
  local state = {}
  for part in string.gmatch(value, '%S+') do state[#state + 1] = tonumber(part) end
  return state
end

local function fixed(limit, window, state)
  local start = floordiv(now, window) * window
  local count = 0
  if state and state[1] == start then count = state[2] end
  local resetAt = start + window
  local allowed = count + cost <= limit
  return {
    allowed = allowed, retry = allowed and 0 or resetAt - now,
    remaining = math.max(0, limit - count), resetAt = resetAt,
    remainingAfter = math.max(0, limit - count - cost), resetAtAfter = resetAt,
    next = string.format('%d %d', start, count + cost), ttl = resetAt - now,
  }
end

local function sliding(limit, window, state)
  local start = floordiv(now, window) * window
  local elapsed = now - start
  local current, previous = 0, 0
  if state then
    if state[1] == start then
      current = state[2]
      previous = state[3] or 0
    elseif state[1] == start - window then
      previous = state[2]
    end
  end
  local function used(count) return previous * (window - elapsed) + count * window end
  local function remaining(count) return math.max(0, floordiv(limit * window - used(count), window)) end
  local function reset(count)
    if count > 0 then return start + 2 * window elseif previous > 0 then return start + window end
    return now
  end
  local allowed = used(current + cost) <= limit * window
  local retry = 0
  if not allowed then
    if current + cost <= limit then
      retry = window - elapsed - floordiv((limit - current - cost) * window, previous)
    else
      retry = window - elapsed + window - floordiv((limit - cost) * window, current)
    end
  end
  return {
    allowed = allowed, retry = retry,
    remaining = remaining(current), resetAt = reset(current),
    remainingAfter = remaining(current + cost), resetAtAfter = reset(current + cost),
    next = string.format('%d %d %d', start, current + cost, previous), ttl = start + 2 * window - now,
  }
end

local function bucket(capacity, refill, interval, state)
  local tokens, last = capacity, now
  if state then
    tokens = state[1]
    last = state[2]
    local steps = math.max(0, floordiv(now - last, interval))
    tokens = math.min(capacity, tokens + steps * refill)
    last = last + steps * interval
  end
  if tokens >= capacity then last = now end
  local function reset(left)
    if left >= capacity then return now end
    return last + ceildiv(capacity - left, refill) * interval
  end
  local allowed = tokens >= cost
  local retry = 0
  if not allowed then retry = last + ceildiv(cost - tokens, refill) * interval - now end
  local after = tokens - cost
  return {
    allowed = allowed, retry = retry,
    remaining = tokens, resetAt = reset(tokens),
    remainingAfter = math.max(0, after), resetAtAfter = reset(after),
    next = string.format('%d %d', after, last), ttl = math.max(1, reset(after) - now),
  }
end

local function gcra(rate, window, burst, state)
  local tatMs, tatRem = now, 0
  if state and state[1] >= now then
    tatMs = state[1]
    tatRem = state[2]
  end
  local debt = (tatMs - now) * rate + tatRem
  local debtAfter = debt + cost * window
  local capacity = burst * window
  local allowed = debtAfter <= capacity
  local nextRem = tatRem + cost * window
  local carry = floordiv(nextRem, rate)
  return {
    allowed = allowed, retry = allowed and 0 or ceildiv(debtAfter - capacity, rate),
    remaining = math.max(0, floordiv(capacity - debt, window)), resetAt = now + ceildiv(debt, rate),
    remainingAfter = math.max(0, floordiv(capacity - debtAfter, window)), resetAtAfter = now + ceildiv(debtAfter, rate),
    next = string.format('%d %d', tatMs + carry, nextRem - carry * rate), ttl = math.max(1, ceildiv(debtAfter, rate)),
  }
end

local results = {}
local every = true
for i = 1, n do
  local base = 5 + (i - 1) * 4
  local algorithm = ARGV[base + 1]
  local limit = tonumber(ARGV[base + 2])
  local window = tonumber(ARGV[base + 3])
  local extra = tonumber(ARGV[base + 4])
  local state = parse(redis.call('GET', KEYS[i + 1]))
  local result
  if algorithm == 'fw' then result = fixed(limit, window, state)
  elseif algorithm == 'sw' then result = sliding(limit, window, state)
  elseif algorithm == 'tb' then result = bucket(limit, extra, window, state)
  else result = gcra(extra, window, limit, state) end
  results[i] = result
  if not result.allowed then every = false end
end

local blockedUntil = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local blocked = blockedUntil > now
local allowed = every and not blocked
local commit = allowed and consume
local untilMs = 0
if blocked then
  untilMs = blockedUntil
elseif consume and blockMs > 0 and not allowed then
  untilMs = now + blockMs
  redis.call('SET', KEYS[1], string.format('%d', untilMs), 'PX', string.format('%d', blockMs))
end

local reply = { allowed and 1 or 0, now, untilMs, blocked and 1 or 0 }
for i = 1, n do
  local result = results[i]
  if commit then redis.call('SET', KEYS[i + 1], result.next, 'PX', string.format('%d', result.ttl)) end
  reply[#reply + 1] = result.allowed and 1 or 0
  reply[#reply + 1] = commit and result.remainingAfter or result.remaining
  reply[#reply + 1] = commit and result.resetAtAfter or result.resetAt
  reply[#reply + 1] = result.retry
end
return reply
`);

/** KEYS: [1] the block key. ARGV: [1] now or '', [2] block ms. Sets the block unless a longer one is in place. */
export const blockScript = luaScript(`${prelude}
local ms = tonumber(ARGV[2])
local untilMs = now + ms
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if untilMs > current then
  redis.call('SET', KEYS[1], string.format('%d', untilMs), 'PX', string.format('%d', ms))
end
return untilMs
`);
