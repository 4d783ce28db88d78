-- Forgets index entries of sessions whose keys expired. A(1) first rank, A(2) how many. Returns the live count.
local removed = 0
for _, id in ipairs(redis.call('ZRANGE', IDX, tonumber(A(1)), tonumber(A(1)) + tonumber(A(2)) - 1)) do
  if redis.call('EXISTS', base(id) .. 's') == 0 then
    redis.call('ZREM', IDX, id)
    removed = removed + 1
  end
end
return {'OK', tostring(redis.call('ZCARD', IDX)), tostring(removed)}
