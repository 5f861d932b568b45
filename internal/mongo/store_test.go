package mongo

import "github.com/chatdesk/chatdesk/internal/desk"

// The assertion lives in a test so the store itself does not import the
// service package; cmd's wiring checks it again at build time.
var _ desk.Store = (*DB)(nil)
