import { luaScript } from './lua-script.ts';

/*
 * Stored value layout, one field per line (JSON never contains a raw newline):
 *
 *   <counter versions, comma-separated>            written by the script, atomically with the SET
 *   <createdAt>,<freshUntil>,<staleUntil>,<n>      times in ms; the first n counters remove, the rest expire
 *   <counter names, JSON>
 *   <tags, JSON>
 *   <payload>
 *
 * Reads are plain MGETs of the entry and its namespace counters, compared in JS, so a Redis hit
 * costs what a GET costs; only tagged entries need one more MGET for their tag counters.
 */

/**
 * Writes entries with the current versions of their counters. KEYS: per entry, its key then its
 * counter keys. ARGV: per entry, the number of counter keys, ttl (ms), header (the three lines after
 * the versions), payload.
 */
export const setScript = luaScript(`
local k = 1
local a = 1
while k <= #KEYS do
  local n = tonumber(ARGV[a])
  local versions = ''
  if n > 0 then
    local current = redis.call('MGET', unpack(KEYS, k + 1, k + n))
    local parts = {}
    for j = 1, n do parts[j] = current[j] or '0' end
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
