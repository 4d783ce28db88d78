-- A(1) address, A(2) joins/min per address, A(3) joins/min per session, A(4) new join ID, A(5) client name,
-- A(6) offer, A(7) commitment or '', A(8) undecided at most, A(9) undecided per address at most, A(10) finished kept.
local wait = take(P .. 'rl:j:' .. A(1), tonumber(A(2)))
if wait > 0 then return {'E', 'rate', 'join requests', 'from', A(1), A(2), tostring(wait)} end
local sess, e = live()
if not sess then return e end
wait = take(P .. 'rl:js:' .. ID, tonumber(A(3)))
if wait > 0 then return {'E', 'rate', 'join requests', 'to session', '', A(3), tostring(wait)} end
local slots, undecided, mine, finishedIds = 0, 0, 0, {}
for _, joinId in ipairs(redis.call('ZRANGE', JS, 0, -1)) do
  local f = join(joinId)
  if f then
    if f.st == 'approved' then slots = slots + 1 end
    if UNDECIDED[f.st] then
      undecided = undecided + 1
      if f.ad == A(1) then mine = mine + 1 end
    end
    if finished(f.st) then table.insert(finishedIds, joinId) end
  end
end
if slots >= sess.max then return {'E', 'session_full', tostring(sess.max)} end
if NOW > sess.bu and NOW - sess.lh > HOST_SILENCE then
  return {'E', 'host_not_answering', tostring(NOW - sess.lh)}
end
if mine >= tonumber(A(9)) then return {'E', 'too_many_joins_from', A(9), A(1)} end
if undecided >= tonumber(A(8)) then return {'E', 'too_many_joins', A(8)} end
if redis.call('ZCARD', JS) >= sess.max + tonumber(A(8)) + tonumber(A(10)) and #finishedIds > 0 then
  redis.call('DEL', J(finishedIds[1]))
  redis.call('ZREM', JS, finishedIds[1])
end
local seq = redis.call('HINCRBY', S, 'seq', 1)
local k = J(A(4))
redis.call('HSET', k, 'st', 'pending', 'nm', A(5), 'ad', A(1), 'of', A(6), 'cr', tostring(NOW))
if A(7) ~= '' then redis.call('HSET', k, 'cm', A(7)) end
redis.call('PEXPIRE', k, 2 * JOIN_TTL)
redis.call('ZADD', JS, seq, A(4))
redis.call('RPUSH', EV, seq .. ' join ' .. A(4))
redis.call('LTRIM', EV, -256, -1)
redis.call('HSET', S, 'sc', '1')
sess.sc = true
expire(sess)
redis.call('PUBLISH', CH, 'C')
return {'OK'}
