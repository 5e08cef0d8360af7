import { CacheError } from '../errors.ts';
import type { RedisCommandClient } from './client.ts';
import { luaScript } from './lua-script.ts';

/**
 * Stored value layout: `<counter versions, comma-separated>\n<header JSON>\n<payload>`.
 * The header is `{ c, f, s, g, d, e }`: createdAt, freshUntil, staleUntil, tags, and the names of
 * the counters whose bump removes (d) or expires (e) the entry. Scripts record the versions at
 * write time and compare them at read time, so invalidation is one HINCRBY and a read stays one
 * round trip.
 */
const readDeps = `
local function deps(h)
  local all = {}
  for j = 1, #h.d do all[#all + 1] = h.d[j] end
  for j = 1, #h.e do all[#all + 1] = h.e[j] end
  return all, #h.d
end
`;

/** KEYS: versions hash, data keys... → per key: value or nil, then 1 when a tag expired it, else 0. */
export const getScript = luaScript(`${readDeps}
local out = {}
for i = 2, #KEYS do
  local raw = redis.call('GET', KEYS[i])
  local expired = 0
  if raw then
    local nl1 = string.find(raw, '\\n', 1, true)
    local nl2 = nl1 and string.find(raw, '\\n', nl1 + 1, true)
    if not nl2 then
      raw = false
    else
      local all, removeCount = deps(cjson.decode(string.sub(raw, nl1 + 1, nl2 - 1)))
      if #all > 0 then
        local recorded = {}
        for v in string.gmatch(string.sub(raw, 1, nl1 - 1), '[^,]+') do recorded[#recorded + 1] = v end
        local current = redis.call('HMGET', KEYS[1], unpack(all))
        for j = 1, #all do
          if (current[j] or '0') ~= recorded[j] then
            if j <= removeCount then
              redis.call('DEL', KEYS[i])
              raw = false
              break
            end
            expired = 1
          end
        end
      end
    end
  end
  out[#out + 1] = raw
  out[#out + 1] = expired
end
return out
`);

/** KEYS: versions hash, data keys...; ARGV: per key ttlMs, header, payload. */
export const setScript = luaScript(`${readDeps}
for i = 2, #KEYS do
  local base = (i - 2) * 3
  local header = ARGV[base + 2]
  local all = deps(cjson.decode(header))
  local versions = ''
  if #all > 0 then
    local current = redis.call('HMGET', KEYS[1], unpack(all))
    local parts = {}
    for j = 1, #all do parts[j] = current[j] or '0' end
    versions = table.concat(parts, ',')
  end
  redis.call('SET', KEYS[i], versions .. '\\n' .. header .. '\\n' .. ARGV[base + 3], 'PX', ARGV[base + 1])
end
return #KEYS - 1
`);

/** KEYS: versions hash; ARGV: counter names. */
export const bumpScript = luaScript(`
for i = 1, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end
return #ARGV
`);

/** KEYS: lease key; ARGV: token. Deletes the lease only if this token holds it. */
export const releaseScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Throws at once when the client is not connected, instead of letting ioredis queue the command. */
export function assertReady(client: RedisCommandClient, what: string): void {
  if (client.status !== undefined && client.status !== 'ready') {
    throw new CacheError('ERR_CACHE_STORE_UNAVAILABLE', `${what}: the Redis client is ${client.status}, not ready`);
  }
}
