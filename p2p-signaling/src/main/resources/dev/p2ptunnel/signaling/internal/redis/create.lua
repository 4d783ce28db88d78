-- A(1) address, A(2) prefix, A(3) creates/min per address, A(4) per prefix, A(5) maxSessions, A(6) maxClients,
-- A(7) secret hash, A(8) '1' if ID comes from a claim, A(9) how many of the oldest sessions to look at for eviction.
local wait = take(P .. 'rl:c:' .. A(1), tonumber(A(3)))
if wait > 0 then return {'E', 'rate', 'session creations', 'from', A(1), A(3), tostring(wait)} end
wait = take(P .. 'rl:cp:' .. A(2), tonumber(A(4)))
if wait > 0 then return {'E', 'rate', 'session creations', 'from network', A(2), A(4), tostring(wait)} end
local prev = false
if A(8) == '1' then
  local old = redis.call('HGET', S, 'sec')
  if old then
    prev = old
    finish(ID, 'session_replaced', 0)
  end
  redis.call('DEL', GONE)
elseif redis.call('EXISTS', S) == 1 or redis.call('EXISTS', GONE) == 1 then
  return {'E', 'collision'}
end
local max = tonumber(A(5))
if redis.call('ZCARD', IDX) >= max then
  local oldest = redis.call('ZRANGE', IDX, 0, tonumber(A(9)) - 1)
  for _, id in ipairs(oldest) do
    if redis.call('EXISTS', base(id) .. 's') == 0 then
      redis.call('ZREM', IDX, id)
    end
  end
  if redis.call('ZCARD', IDX) >= max then
    local evicted = false
    for _, id in ipairs(oldest) do
      if redis.call('EXISTS', base(id) .. 's') == 1 and idle(id) then
        finish(id, 'session_evicted', 0)
        evicted = true
        break
      end
    end
    if not evicted then return {'E', 'too_many_sessions'} end
  end
end
redis.call('HSET', S, 'sec', A(7), 'max', A(6), 'lh', tostring(NOW), 'bu', '0', 'sc', '0', 'cr', tostring(NOW),
  'seq', '0')
if prev then redis.call('HSET', S, 'prev', prev) end
redis.call('ZADD', IDX, NOW, ID)
expire({lh = NOW, bu = 0, sc = false})
return {'OK'}
