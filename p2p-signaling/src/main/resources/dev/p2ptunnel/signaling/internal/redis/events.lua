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
    if f and (kind == 'withdrawn' or UNDECIDED[f.st]) then
      local k = J(joinId)
      if kind == 'join' then
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
