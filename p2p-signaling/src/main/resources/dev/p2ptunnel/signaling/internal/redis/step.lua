-- One step on a join: A(1) verb (challenge, reveal, approve, reject, withdraw, leave, restart, restart-answer),
-- A(2) secret hash or '', A(3) join ID, A(4..6) the step's fields (challenge: fingerprint, nonce; reveal: nonce,
-- certificate, proof; approve: answer, host nonce; reject, withdraw, leave: reason; restart: offer, restarts per
-- minute; restart-answer: restart number, answer). ICE restarts of an approved join live in its hash: xn latest
-- number, xo its offer until answered, xq the seq of its event, xa the number answered last, xs that answer.
local verb = A(1)
local sess, e = live()
if not sess then return e end
local host = verb == 'challenge' or verb == 'approve' or verb == 'reject' or verb == 'leave'
  or verb == 'restart-answer'
if host then
  e = authorize(sess, A(2))
  if e then return e end
  hostSeen(sess)
end
local joinId = A(3)
local f = join(joinId)
if not f then return {'E', 'join_not_found', joinId} end
local k = J(joinId)
local function close(st, result)
  redis.call('HSET', k, 'st', st, 'rs', result, 'en', tostring(NOW))
  redis.call('HDEL', k, 'of', 'rc', 'rp')
  if st ~= 'left' then redis.call('HDEL', k, 'xo', 'xs') end
  redis.call('PEXPIRE', k, JOIN_TTL)
end
-- ICE restarts: an approved join, or one whose place the host freed (left; forgotten JOIN_TTL later)
local function restartable(verb)
  if f.st == 'left' then return nil end
  return requireState(f, joinId, 'approved', verb)
end
if verb == 'challenge' then
  e = requireState(f, joinId, 'pending', 'challenged')
  if e then return e end
  if not f.cm then return {'E', 'not_paired', joinId} end
  redis.call('HSET', k, 'cf', A(4), 'cn', A(5), 'st', 'challenged')
elseif verb == 'reveal' then
  e = requireState(f, joinId, 'challenged', 'revealed')
  if e then return e end
  redis.call('HSET', k, 'rn', A(4), 'st', 'revealed')
  if A(5) ~= '' then redis.call('HSET', k, 'rc', A(5), 'rp', A(6)) end
  local seq = redis.call('HINCRBY', S, 'seq', 1)
  redis.call('RPUSH', EV, seq .. ' reveal ' .. joinId)
  redis.call('LTRIM', EV, -256, -1)
elseif verb == 'reject' and f.st == 'left' then
  -- the host no longer keeps this client (its grace period ended): its ICE restarts end here
  close('rejected', A(4))
elseif verb == 'approve' or verb == 'reject' then
  if not UNDECIDED[f.st] then return ended(f.st, joinId) end
  if verb == 'approve' then
    if f.st == 'challenged' then return {'E', 'not_revealed', joinId} end
    local slots = 0
    for _, other in ipairs(redis.call('ZRANGE', JS, 0, -1)) do
      if redis.call('HGET', J(other), 'st') == 'approved' then slots = slots + 1 end
    end
    if slots >= sess.max then return {'E', 'full_on_approve', tostring(sess.max)} end
    redis.call('HSET', k, 'st', 'approved', 'rs', A(4), 'en', tostring(NOW))
    if A(5) ~= '' then redis.call('HSET', k, 'hn', A(5)) end
    redis.call('HDEL', k, 'of', 'rc', 'rp')
  else
    close('rejected', A(4))
  end
elseif verb == 'restart' then
  e = restartable('restarted')
  if e then return e end
  local wait = take(P .. 'rl:x:' .. joinId, tonumber(A(5)))
  if wait > 0 then return {'E', 'rate', 'ICE restarts', 'of join request', joinId, A(5), tostring(wait)} end
  local n = redis.call('HINCRBY', k, 'xn', 1)
  local seq = redis.call('HINCRBY', S, 'seq', 1)
  redis.call('HSET', k, 'xo', A(4), 'xq', tostring(seq))
  redis.call('RPUSH', EV, seq .. ' restart ' .. joinId)
  redis.call('LTRIM', EV, -256, -1)
  expire(sess)
  redis.call('PUBLISH', CH, 'C')
  return {'OK', f.st, tostring(n)}
elseif verb == 'restart-answer' then
  e = restartable('answered for an ICE restart')
  if e then return e end
  local x = redis.call('HMGET', k, 'xn', 'xa')
  local latest = tonumber(x[1]) or 0
  local answered = tonumber(x[2]) or 0
  local n = tonumber(A(4))
  if n ~= latest or answered >= n then
    return {'E', 'stale_restart', joinId, A(4), tostring(latest), tostring(answered)}
  end
  redis.call('HSET', k, 'xa', A(4), 'xs', A(5))
  redis.call('HDEL', k, 'xo')
  expire(sess)
  redis.call('PUBLISH', CH, 'C')
  return {'OK', f.st, A(4)}
elseif verb == 'withdraw' then
  if finished(f.st) then return ended(f.st, joinId) end
  if f.st == 'approved' then
    close('left', A(4))
  else
    close('withdrawn', A(4))
    local seq = redis.call('HINCRBY', S, 'seq', 1)
    redis.call('RPUSH', EV, seq .. ' withdrawn ' .. joinId)
    redis.call('LTRIM', EV, -256, -1)
  end
else
  e = requireState(f, joinId, 'approved', 'left')
  if e then return e end
  close('left', A(4))
end
expire(sess)
redis.call('PUBLISH', CH, 'C')
return {'OK', redis.call('HGET', k, 'st')}
