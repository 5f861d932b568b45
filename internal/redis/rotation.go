package redis

import "context"

// NextInRotation picks, among candidates, the agent whose last assignment
// is oldest (never assigned counts as oldest) and stamps it with a fresh
// ticket. One shared rotation for every node: the pick and the stamp happen
// in one script, so concurrent assignments on different nodes alternate
// fairly. It returns "" when candidates is empty.
func (c *Client) NextInRotation(ctx context.Context, candidates []string) (string, error) {
	if len(candidates) == 0 {
		return "", nil
	}
	args := make([]any, len(candidates))
	for i, a := range candidates {
		args[i] = a
	}
	return c.run(ctx, rotationScript, []string{c.rotationKey("scores"), c.rotationKey("ticket")}, args...).Text()
}

var rotationScript = newScript(`
local best, bestScore = nil, nil
for _, a in ipairs(ARGV) do
  local s = tonumber(redis.call('ZSCORE', KEYS[1], a) or '0')
  if best == nil or s < bestScore or (s == bestScore and a < best) then best, bestScore = a, s end
end
local t = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], t, best)
return best`)
