package realtime

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeFrame feeds arbitrary frames through the decoding the hub does:
// the envelope, then the data of every request type. Nothing may panic, and
// decoded fields are plain strings, numbers and booleans — never maps that
// could reach the database as operators.
func FuzzDecodeFrame(f *testing.F) {
	f.Add(`{"type":"hello","id":"h1","data":{"token":"abc","lastSeq":3}}`)
	f.Add(`{"type":"message.send","data":{"clientId":{"$ne":1},"text":["x"]}}`)
	f.Add(`{"type":"sync","data":{"afterSeq":-1e309}}`)
	f.Add(`{"type":"typing","data":null}`)
	f.Fuzz(func(t *testing.T, frame string) {
		var in inbound
		if json.Unmarshal([]byte(frame), &in) != nil {
			return
		}
		targets := []any{&helloData{}, &sendData{}, &typingData{}, &readData{}, &joinData{}, &leaveData{}, &syncData{}, &statusData{}}
		for _, v := range targets {
			if err := decode(in.Data, v); err != nil {
				if err != errBadData {
					t.Fatalf("unexpected error type %v", err)
				}
				continue
			}
			if typingSide([]byte(frame)) == "unexpected" {
				t.Fatal("unreachable")
			}
		}
	})
}
