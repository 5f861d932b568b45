// Package inmem implements the ports of internal/desk in memory: Store
// (durable storage, as internal/mongo), Coordinator (cross-node state, as
// internal/redis) and a pub/sub Broker (as the Redis bus). A single process
// can run on them, and unit tests get fast, controllable fakes: every piece
// can be switched "down", the coordinator's clock is injectable, and it can
// forget everything as Redis restarting without persistence does.
//
// The semantics are those of the real adapters, down to the details callers
// can observe (times kept to the millisecond in UTC, sort tie-breaks, which
// duplicate error wins, seq holes). The contract suites in
// internal/desk/desktest run against both, so the two cannot drift apart.
//
// The package does not import internal/desk, so the core's own tests can
// use it without an import cycle.
package inmem

import "errors"

// ErrDown is what every call returns while a fake is switched down, like
// the network error of a server that cannot be reached. It is not a
// *chat.Error, so the core treats it as the real adapters' failures.
var ErrDown = errors.New("inmem: service down")
