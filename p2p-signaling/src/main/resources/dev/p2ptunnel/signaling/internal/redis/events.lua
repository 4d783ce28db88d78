-- The host's feed. A(1) secret hash, A(2) after (seq), A(3) hold ms (its poll waits that long here).
local sess, e = live()
if not sess then return e end
e = authorize(sess, A(1))
if e then return e end
hostSeen(sess)
local hold = tonumber(A(3))
if hold > 0 and NOW + hold > sess.bu then
  sess.bu = NOW + hold
  redis.call('HSET', S, 'bu', tostring(sess.bu))
end
expire(sess)
local after = tonumber(A(2))
local out = {'OK'}
for _, entry in ipairs(redis.call('LRANGE', EV, 0, -1)) do
  local seq, kind, joinId = string.match(entry, '^(%d+) (%a+) (.+)$')
  if tonumber(seq) > after then
    local f = join(joinId)
    local k = J(joinId)
    local live = f and (kind == 'withdrawn' or UNDECIDED[f.st])
    local x = nil
    if f and kind == 'restart' then
      -- only the join's latest restart offer, while approved and unanswered
      x = redis.call('HMGET', k, 'xn', 'xa', 'xq', 'xo')
      live = (f.st == 'approved' or f.st == 'left') and x[4] ~= false and tonumber(x[3]) == tonumber(seq)
        and (tonumber(x[2]) or 0) < tonumber(x[1])
    end
    if live then
      if kind == 'restart' then
        table.insert(out, {seq, kind, joinId, '', '', x[4], '', '', '', '', '', x[1]})
      elseif kind == 'join' then
        local j = redis.call('HMGET', k, 'nm', 'ad', 'of', 'cm')
        table.insert(out, {seq, kind, joinId, j[1] or '', j[2] or '', j[3] or '', j[4] or '', '', '', '', ''})
      elseif kind == 'reveal' then
        local j = redis.call('HMGET', k, 'rn', 'rc', 'rp')
        table.insert(out, {seq, kind, joinId, '', '', '', '', j[1] or '', j[2] or '', j[3] or '', ''})
      else
        table.insert(out, {seq, kind, joinId, '', '', '', '', '', '', '', f.rs or ''})
      end
    end
  end
end
return out
