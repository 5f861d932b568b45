package inmem

import "context"

// The reply locks: per conversation, the one agent allowed to reply. They
// do not expire (internal/redis sets them without a TTL); the core restores
// a lost one from the conversation's assigneeId.

// Owner returns the agent holding the lock; ok is false when there is none.
func (c *Coordinator) Owner(ctx context.Context, conversationID string) (string, bool, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return "", false, err
	}
	defer unlock()
	o, ok := st.replyLocks[conversationID]
	return o, ok, nil
}

// Claim sets the owner when there is none and returns the owner after the
// call: agentID when the claim won.
func (c *Coordinator) Claim(ctx context.Context, conversationID, agentID string) (string, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	if o, ok := st.replyLocks[conversationID]; ok {
		return o, nil
	}
	st.replyLocks[conversationID] = agentID
	return agentID, nil
}

// Transfer moves the lock from `from` to `to` only while `from` holds it
// and returns the owner after the call ("" when there is none).
func (c *Coordinator) Transfer(ctx context.Context, conversationID, from, to string) (string, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	o, ok := st.replyLocks[conversationID]
	switch {
	case !ok:
		return "", nil
	case o == from:
		st.replyLocks[conversationID] = to
		return to, nil
	}
	return o, nil
}

// Release removes the lock if owner still holds it.
func (c *Coordinator) Release(ctx context.Context, conversationID, owner string) (bool, error) {
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return false, err
	}
	defer unlock()
	if o, ok := st.replyLocks[conversationID]; ok && o == owner {
		delete(st.replyLocks, conversationID)
		return true, nil
	}
	return false, nil
}
