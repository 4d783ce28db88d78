-- A join as its client sees it. A(1) join ID.
local sess, e = live()
if not sess then return e end
local f = join(A(1))
if not f then return {'E', 'join_not_found', A(1)} end
if f.st == 'expired' then return {'E', 'join_expired', A(1)} end
local x = redis.call('HMGET', J(A(1)), 'xn', 'xa', 'xs')
return {'OK', f.st, f.cf or '', f.cn or '', f.rs or '', f.hn or '', x[1] or '0', x[2] or '0', x[3] or ''}
