-- Shared by every script of the Redis store (RedisStore.java, docs/SIGNALING.md "Redis"). Each script runs
-- atomically in Redis: one script is one step of the protocol, whichever instance runs it.
-- ARGV[1] key prefix, ARGV[2] canonical Session ID (or ''), ARGV[3..7] sessionTtlMs, unjoinedTtlMs, joinTtlMs,
-- hostSilenceMs, goneMs; the step's own arguments from ARGV[8] on (A(1), A(2), ...).
-- Keys of one session share the hash tag {ID}: s (hash), js (zset of join IDs by seq), ev (list of events),
-- j:<joinId> (hash per join, its own TTL), gone (why an ended session ended, kept goneMs), ch (pub/sub channel).
local P = ARGV[1]
local ID = ARGV[2]
local SESSION_TTL = tonumber(ARGV[3])
local UNJOINED_TTL = tonumber(ARGV[4])
local JOIN_TTL = tonumber(ARGV[5])
local HOST_SILENCE = tonumber(ARGV[6])
local GONE_TTL = tonumber(ARGV[7])
local function A(i) return ARGV[7 + i] end
local t = redis.call('TIME')
local NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local IDX = P .. 'sessions'

local function base(id) return P .. '{' .. id .. '}:' end
local S = base(ID) .. 's'
local JS = base(ID) .. 'js'
local EV = base(ID) .. 'ev'
local GONE = base(ID) .. 'gone'
local CH = base(ID) .. 'ch'
local function J(joinId) return base(ID) .. 'j:' .. joinId end

local UNDECIDED = {pending = true, challenged = true, revealed = true}

-- A token bucket of perMinute tokens refilled over a minute; 0 if a token was taken, else the wait in ms.
local function take(key, perMinute)
  local b = redis.call('HMGET', key, 't', 'u')
  local tokens = tonumber(b[1]) or perMinute
  local updated = tonumber(b[2]) or NOW
  tokens = math.min(perMinute, tokens + (NOW - updated) * perMinute / 60000)
  if tokens < 1 then
    return math.ceil((1 - tokens) * 60000 / perMinute)
  end
  redis.call('HSET', key, 't', tostring(tokens - 1), 'u', tostring(NOW))
  redis.call('PEXPIRE', key, 60000)
  return 0
end

-- The session's fields, or nil and the error to return.
local function live()
  local s = redis.call('HMGET', S, 'sec', 'max', 'lh', 'bu', 'sc', 'prev')
  if not s[1] then
    local gone = redis.call('GET', GONE)
    if gone then
      return nil, {'E', 'ended', gone}
    end
    return nil, {'E', 'session_not_found'}
  end
  return {sec = s[1], max = tonumber(s[2]), lh = tonumber(s[3]), bu = tonumber(s[4]), sc = s[5] == '1',
    prev = s[6]}
end

local function ttlOf(sess)
  if sess.sc then return SESSION_TTL end
  return math.min(UNJOINED_TTL, SESSION_TTL)
end

-- Sets the TTL of the session's keys (and of its approved joins, which live as long as it) from its host's last
-- request or the end of the host's waiting poll, whichever is later.
local function expire(sess)
  local ttl = ttlOf(sess)
  local left = math.max(sess.lh + ttl - NOW, sess.bu - NOW, 1)
  redis.call('PEXPIRE', S, left)
  redis.call('PEXPIRE', JS, left)
  redis.call('PEXPIRE', EV, left)
  redis.call('SET', GONE, 'session_expired|' .. ttl, 'PX', left + GONE_TTL)
  for _, joinId in ipairs(redis.call('ZRANGE', JS, 0, -1)) do
    if redis.call('HGET', J(joinId), 'st') == 'approved' then
      redis.call('PEXPIRE', J(joinId), left)
    end
  end
end

local function authorize(sess, hash)
  if sess.sec == hash then return nil end
  if sess.prev and sess.prev == hash then return {'E', 'ended', 'session_replaced|0'} end
  return {'E', 'wrong_secret'}
end

-- A join's fields (nil if gone); an undecided join past its TTL becomes expired here, and its client hears of it.
local function join(joinId)
  local k = J(joinId)
  local j = redis.call('HMGET', k, 'st', 'ad', 'cr', 'cm', 'cf', 'cn', 'rs', 'hn')
  if not j[1] then
    redis.call('ZREM', JS, joinId)
    return nil
  end
  local f = {st = j[1], ad = j[2], cr = tonumber(j[3]), cm = j[4], cf = j[5], cn = j[6], rs = j[7], hn = j[8]}
  if UNDECIDED[f.st] and NOW - f.cr > JOIN_TTL then
    f.st = 'expired'
    f.rs = 'expired'
    redis.call('HSET', k, 'st', 'expired', 'rs', 'expired', 'en', tostring(NOW))
    redis.call('HDEL', k, 'of', 'rc', 'rp')
    redis.call('PEXPIRE', k, JOIN_TTL)
    redis.call('PUBLISH', CH, 'C')
  end
  return f
end

local function finished(st) return not UNDECIDED[st] and st ~= 'approved' end

-- Ends session id (its keys go, 'gone' remembers why) and tells its waiting polls.
local function finish(id, code, ttl)
  local b = base(id)
  for _, joinId in ipairs(redis.call('ZRANGE', b .. 'js', 0, -1)) do
    redis.call('DEL', b .. 'j:' .. joinId)
  end
  redis.call('DEL', b .. 's', b .. 'js', b .. 'ev')
  redis.call('SET', b .. 'gone', code .. '|' .. ttl, 'PX', GONE_TTL)
  redis.call('ZREM', IDX, id)
  redis.call('PUBLISH', b .. 'ch', 'E|' .. code .. '|' .. ttl)
end

-- Whether session id has nothing in progress (no undecided join, no connected client): it may be evicted.
local function idle(id)
  local b = base(id)
  for _, joinId in ipairs(redis.call('ZRANGE', b .. 'js', 0, -1)) do
    local j = redis.call('HMGET', b .. 'j:' .. joinId, 'st', 'cr')
    if j[1] == 'approved' or (UNDECIDED[j[1]] and NOW - tonumber(j[2]) <= JOIN_TTL) then
      return false
    end
  end
  return true
end

local function ended(st, joinId)
  if st == 'expired' then return {'E', 'join_expired', joinId} end
  return {'E', 'already_answered', joinId, st}
end

local function requireState(f, joinId, expected, verb)
  if f.st == 'expired' then return {'E', 'join_expired', joinId} end
  if f.st ~= expected then return {'E', 'wrong_state', joinId, f.st, verb, expected} end
  return nil
end

-- The host made a request: it is present; refresh the session's life.
local function hostSeen(sess)
  sess.lh = NOW
  redis.call('HSET', S, 'lh', tostring(NOW))
end
