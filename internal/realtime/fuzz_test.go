package realtime

import (
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
	"github.com/chatdesk/chatdesk/internal/protocol"
)

// FuzzDecodeFrame feeds arbitrary frames through the parsing dispatch
// does: the envelope, then the payload of every request type. Nothing may
// panic, a payload that does not decode is refused with invalid_input, and
// what decodes holds plain strings, numbers and booleans — never maps that
// could reach the database as operators (the payload types have no other
// fields).
func FuzzDecodeFrame(f *testing.F) {
	f.Add(`{"type":"` + protocol.ReqHello + `","id":"h1","data":{"token":"abc","lastSeq":3}}`)
	f.Add(`{"type":"` + protocol.ReqMessageSend + `","data":{"clientId":{"$ne":1},"text":["x"]}}`)
	f.Add(`{"type":"` + protocol.ReqSync + `","data":{"afterSeq":-1e309}}`)
	f.Add(`{"type":"` + protocol.ReqTyping + `","data":null}`)
	f.Add(`{"id":"r1","type":7}`)
	f.Fuzz(func(t *testing.T, frame string) {
		in, err := protocol.DecodeFrame([]byte(frame))
		if err != nil {
			return
		}
		for typ, r := range routes {
			p, err := r.decode(in.Data)
			if err != nil {
				if chat.ErrorCode(err) != chat.EINVALID {
					t.Fatalf("%s: a bad payload answered %v", typ, err)
				}
				continue
			}
			if p == nil {
				t.Fatalf("%s: decoded to nil", typ)
			}
		}
		_ = typingSide([]byte(frame))
	})
}
