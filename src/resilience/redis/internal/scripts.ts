/**
 * @module
 * The Lua scripts behind `RedisSharedState`: one per record kind, each one atomic step that
 * mirrors a pure TypeScript step in `shared/internal/*-record.ts` line for line (the contract
 * suite in `test/shared/` holds both to the same answers). Time is the server's (`TIME`), so a
 * fleet whose clocks disagree still shares one timeline; Redis ≥ 5 replicates a script's
 * effects, not the script, so reading `TIME` inside is safe.
 *
 * Numbers travel as strings (`%.17g`): Redis turns a Lua number reply into an integer, which
 * would truncate fractional tokens and times.
 */

/** `takeTokens`. KEYS: bucket hash. ARGV: see `RedisSharedState.takeTokens`. */
export const BUCKET_SCRIPT = `
local key = KEYS[1]
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local initial = tonumber(ARGV[3])
local deposit = tonumber(ARGV[4])
local want = tonumber(ARGV[5])
local startRamp = ARGV[6] == '1'
local dedupe = tonumber(ARGV[7])
local f0 = tonumber(ARGV[8])
local R = tonumber(ARGV[9])
local expo = ARGV[10] == '1'
local ttl = tonumber(ARGV[11])
local NEVER = -1e300
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local st = redis.call('HMGET', key, 'tokens', 'last', 'ramp')
local tokens = tonumber(st[1])
local last = tonumber(st[2])
local rs = tonumber(st[3]) or NEVER
if tokens == nil or last == nil then
  tokens = initial
  last = now
end
local hasRamp = f0 > 0
local k = 0
if hasRamp and expo and f0 < 1 then k = -math.log(f0) / R end
local function frac(x)
  if not hasRamp then return 1 end
  local u = x - rs
  if u >= R or u < 0 then return 1 end
  if k > 0 then return f0 * math.exp(k * u) end
  return f0 + (1 - f0) / R * u
end
local function integral(a, b)
  if not hasRamp then return b - a end
  local s = rs
  local e = rs + R
  if a >= e or b <= s then return b - a end
  local total = 0
  if a < s then total = total + (s - a) end
  if b > e then total = total + (b - e) end
  local x = math.max(a, s) - s
  local y = math.min(b, e) - s
  if k > 0 then return total + (f0 / k) * (math.exp(k * y) - math.exp(k * x)) end
  local c = (1 - f0) / R
  return total + f0 * (y - x) + (c / 2) * (y * y - x * x)
end
local function capacity(x)
  local f = frac(x)
  if f >= 1 then return cap end
  return math.max(cap * f, math.min(cap, 1))
end
if now > last then
  local earned = 0
  if rate > 0 then earned = integral(last, now) * rate / 1000 end
  last = now
  tokens = math.min(tokens + earned, capacity(now))
end
if deposit > 0 then tokens = math.min(tokens + deposit, capacity(now)) end
if startRamp and hasRamp and not (now - rs < dedupe) then
  rs = now
  local c = capacity(now)
  if tokens > c then tokens = c end
end
local granted = math.floor(tokens + 1e-9)
if granted > want then granted = want end
if granted < 0 then granted = 0 end
if granted > 0 then
  tokens = tokens - granted
  if tokens < 0 then tokens = 0 end
end
redis.call('HSET', key, 'tokens', string.format('%.17g', tokens), 'last', string.format('%.17g', last), 'ramp', string.format('%.17g', rs))
if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
local retry = 0
if 1 - tokens > 1e-9 then
  if rate == 0 or cap < 1 then retry = -1 else retry = (1 - tokens) / (rate / 1000 * frac(now)) end
end
return {granted, string.format('%.17g', tokens), string.format('%.17g', now), string.format('%.17g', retry), string.format('%.17g', rs)}
`;

/**
 * `circuit`. KEYS: state hash, votes zset, failure-rate window hash, then one key per probe
 * slot. ARGV: see `RedisSharedState.circuit`. Probe slots are `SET slot holder|gen NX PX`.
 */
export const CIRCUIT_SCRIPT = `
local h = KEYS[1]
local votesKey = KEYS[2]
local winKey = KEYS[3]
local op = ARGV[1]
local holder = ARGV[2]
local calls = tonumber(ARGV[3])
local failures = tonumber(ARGV[4])
local vote = ARGV[5] == '1'
local generation = tonumber(ARGV[6])
local reqSlot = tonumber(ARGV[7])
local outcome = ARGV[8]
local quorum = tonumber(ARGV[9])
local voteWindow = tonumber(ARGV[10])
local frThreshold = tonumber(ARGV[11])
local frMin = tonumber(ARGV[12])
local frWindow = tonumber(ARGV[13])
local halfOpenAfter = tonumber(ARGV[14])
local maxHalfOpen = tonumber(ARGV[15])
local backoff = tonumber(ARGV[16])
local maxProbes = tonumber(ARGV[17])
local toClose = tonumber(ARGV[18])
local leaseMs = tonumber(ARGV[19])
local ttl = tonumber(ARGV[20])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local st = redis.call('HMGET', h, 'state', 'gen', 'until', 'opens', 'succ', 'by')
local state = st[1] or 'closed'
local gen = tonumber(st[2]) or 1
local openUntil = tonumber(st[3]) or 0
local opens = tonumber(st[4]) or 0
local succ = tonumber(st[5]) or 0
local by = st[6] or ''
local function clearRound()
  gen = gen + 1
  succ = 0
  redis.call('DEL', votesKey, winKey)
  for i = 4, #KEYS do redis.call('DEL', KEYS[i]) end
end
local function openDuration(n)
  local d = halfOpenAfter * (backoff ^ math.max(0, n - 1))
  if d < maxHalfOpen then return d end
  return maxHalfOpen
end
local function doOpen(reason, n)
  clearRound()
  state = 'open'
  opens = n
  openUntil = now + openDuration(n)
  by = reason
end
local function doClose()
  clearRound()
  state = 'closed'
  opens = 0
  openUntil = 0
end
local slot = -1
if op == 'report' then
  if state == 'closed' then
    if vote then
      redis.call('ZADD', votesKey, string.format('%.17g', now), holder)
      redis.call('PEXPIRE', votesKey, math.ceil(voteWindow * 2))
    end
    redis.call('ZREMRANGEBYSCORE', votesKey, '-inf', string.format('%.17g', now - voteWindow))
    local tripped = nil
    if redis.call('ZCARD', votesKey) >= quorum then tripped = 'quorum' end
    if tripped == nil and frThreshold > 0 then
      local size = frWindow / 10
      local idx = math.floor(now / size)
      if calls > 0 then
        redis.call('HINCRBY', winKey, string.format('%d:c', idx), calls)
        redis.call('HINCRBY', winKey, string.format('%d:f', idx), failures)
        redis.call('PEXPIRE', winKey, math.ceil(frWindow * 2))
      end
      local all = redis.call('HGETALL', winKey)
      local c = 0
      local f = 0
      for i = 1, #all, 2 do
        local field = all[i]
        local sep = string.find(field, ':', 1, true)
        local bi = tonumber(string.sub(field, 1, sep - 1))
        if bi <= idx - 10 then
          redis.call('HDEL', winKey, field)
        elseif string.sub(field, sep + 1) == 'c' then
          c = c + tonumber(all[i + 1])
        else
          f = f + tonumber(all[i + 1])
        end
      end
      if c >= frMin and f >= frThreshold * c then tripped = 'failure-rate' end
    end
    if tripped then doOpen(tripped, 1) end
  end
elseif op == 'probe' then
  if state == 'open' and now >= openUntil then
    clearRound()
    state = 'half-open'
    openUntil = 0
  end
  if state == 'half-open' then
    local live = 0
    for i = 4, #KEYS do live = live + redis.call('EXISTS', KEYS[i]) end
    local roundSize = math.max(maxProbes, toClose)
    if live < maxProbes and succ + live < roundSize then
      for i = 1, maxProbes do
        local pk = KEYS[3 + i]
        if pk and redis.call('SET', pk, holder .. '|' .. string.format('%d', gen), 'NX', 'PX', leaseMs) then
          slot = i - 1
          break
        end
      end
    end
  end
elseif op == 'probe-done' then
  if state == 'half-open' and gen == generation then
    local pk = KEYS[4 + reqSlot]
    if pk and redis.call('GET', pk) == holder .. '|' .. string.format('%d', generation) then
      redis.call('DEL', pk)
    end
    if outcome == 'success' then
      succ = succ + 1
      if succ >= toClose then doClose() end
    elseif outcome == 'failure' then
      doOpen('probe-failure', opens + 1)
    end
  end
elseif op == 'reset' then
  doClose()
end
redis.call('HSET', h, 'state', state, 'gen', string.format('%d', gen), 'until', string.format('%.17g', openUntil), 'opens', string.format('%d', opens), 'succ', string.format('%d', succ), 'by', by)
if ttl > 0 then redis.call('PEXPIRE', h, ttl) end
local votes = 0
if state == 'closed' then votes = redis.call('ZCARD', votesKey) end
return {state, gen, string.format('%.17g', openUntil), opens, string.format('%.17g', now), votes, slot, succ, by}
`;

/** `holdPermits`. KEYS: holdings hash, lease zset. ARGV: limit, leaseMs, holder, want. */
export const SEMAPHORE_SCRIPT = `
local h = KEYS[1]
local z = KEYS[2]
local limit = tonumber(ARGV[1])
local leaseMs = tonumber(ARGV[2])
local holder = ARGV[3]
local want = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local nowText = string.format('%.17g', now)
local expired = redis.call('ZRANGEBYSCORE', z, '-inf', nowText)
for _, hd in ipairs(expired) do redis.call('HDEL', h, hd) end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', nowText) end
local all = redis.call('HGETALL', h)
local others = 0
for i = 1, #all, 2 do
  if all[i] ~= holder then others = others + tonumber(all[i + 1]) end
end
local room = limit - others
local held = want
if held > room then
  if room > 0 then held = room else held = 0 end
end
if held > 0 then
  redis.call('HSET', h, holder, held)
  redis.call('ZADD', z, string.format('%.17g', now + leaseMs), holder)
  redis.call('PEXPIRE', h, math.ceil(leaseMs * 2))
  redis.call('PEXPIRE', z, math.ceil(leaseMs * 2))
else
  redis.call('HDEL', h, holder)
  redis.call('ZREM', z, holder)
end
return {held, others + held, nowText}
`;
