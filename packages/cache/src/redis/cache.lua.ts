import { luaScript } from './lua-script.ts';

/*
 * Stored value layout, one field per line (JSON never contains a raw newline):
 *
 *   <counter versions, comma-separated>            as read before the value was produced, else at the SET
 *   <createdAt>,<freshUntil>,<staleUntil>,<n>      times in ms; the first n counters remove, the rest expire
 *   <counter names, JSON>
 *   <tags, JSON>
 *   <payload>
 *
 * Reads are plain MGETs of the entry and its namespace counters, compared in JS, so a Redis hit
 * costs what a GET costs; only tagged entries need one more MGET for their tag counters. On a Redis
 * Cluster the same value is written with a plain SET (the versions read beforehand by the client), since
 * an entry and its counters live in different slots.
 */

/**
 * Writes entries with the versions of their counters. KEYS: per entry, its key then its counter keys. ARGV:
 * per entry, the counter spec, ttl (ms), header (the three lines after the versions), payload. The spec is
 * the number of counter keys `n`, read now (atomically with the SET); or `n|v1,v2,...,` with the versions
 * read before the value was produced, an empty one meaning "read it now" (see `L2Write.versions`).
 */
export const setScript = luaScript(`
local k = 1
local a = 1
while k <= #KEYS do
  local spec = ARGV[a]
  local n = tonumber(spec)
  local given
  if n == nil then
    local bar = string.find(spec, '|', 1, true)
    n = tonumber(string.sub(spec, 1, bar - 1))
    given = string.sub(spec, bar + 1)
  end
  local versions = ''
  if n > 0 then
    local current = redis.call('MGET', unpack(KEYS, k + 1, k + n))
    local parts = {}
    for j = 1, n do parts[j] = current[j] or '0' end
    if given then
      local j = 1
      for v in string.gmatch(given, '([^,]*),') do
        if v ~= '' then parts[j] = v end
        j = j + 1
      end
    end
    versions = table.concat(parts, ',')
  end
  redis.call('SET', KEYS[k], versions .. '\\n' .. ARGV[a + 2] .. '\\n' .. ARGV[a + 3], 'PX', ARGV[a + 1])
  k = k + n + 1
  a = a + 4
end
return 1
`);

/** KEYS: counter keys to increment. */
export const bumpScript = luaScript(`
for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end
return #KEYS
`);
