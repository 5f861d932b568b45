package server

import (
	"bytes"
	"encoding/json"
	"io"
)

// Helpers of the #16 tests (clientaddr, abuse, privacy): raw requests where
// a test sets its own headers.

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

func decodeJSON(r io.Reader, out any) error { return json.NewDecoder(r).Decode(out) }
