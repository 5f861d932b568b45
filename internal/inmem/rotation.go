package inmem

import "context"

// NextInRotation picks, among candidates, the agent whose last turn is
// oldest (never counts as oldest; ties go to the smaller id) and stamps it
// with a fresh ticket, atomically, as internal/redis's script does. It
// returns "" when candidates is empty.
func (c *Coordinator) NextInRotation(ctx context.Context, candidates []string) (string, error) {
	if len(candidates) == 0 {
		return "", nil
	}
	st, _, unlock, err := c.lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	best, bestTicket := candidates[0], st.rotation[candidates[0]]
	for _, a := range candidates[1:] {
		if t := st.rotation[a]; t < bestTicket || (t == bestTicket && a < best) {
			best, bestTicket = a, t
		}
	}
	st.ticket++
	st.rotation[best] = st.ticket
	return best, nil
}
