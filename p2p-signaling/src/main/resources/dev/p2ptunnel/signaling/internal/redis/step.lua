-- One step on a join: A(1) verb (challenge, reveal, approve, reject, withdraw, leave), A(2) secret hash or '',
-- A(3) join ID, A(4..6) the step's fields (challenge: fingerprint, nonce; reveal: nonce, certificate, proof;
-- approve: answer, host nonce; reject, withdraw, leave: reason).
local verb = A(1)
local sess, e = live()
if not sess then return e end
local host = verb == 'challenge' or verb == 'approve' or verb == 'reject' or verb == 'leave'
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
  redis.call('PEXPIRE', k, JOIN_TTL)
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
