-- A(1) secret hash.
local sess, e = live()
if not sess then return e end
e = authorize(sess, A(1))
if e then return e end
finish(ID, 'session_closed', 0)
return {'OK'}
