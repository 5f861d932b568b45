package protocol

import (
	"encoding/json"
	"errors"
)

// Envelope is the wire shape of every frame: {type, id?, data}.
type Envelope struct {
	Type string `json:"type"`
	ID   string `json:"id,omitempty"`
	Data any    `json:"data"`
}

// Encode marshals an event (no id). Events are encoded once and fanned out
// to every interested socket as bytes.
func Encode(typ string, data any) []byte {
	return Reply(typ, "", data)
}

// Reply marshals a reply to the request with the given id.
func Reply(typ, id string, data any) []byte {
	if data == nil {
		data = struct{}{}
	}
	b, err := json.Marshal(Envelope{Type: typ, ID: id, Data: data})
	if err != nil {
		panic(err) // our own payload types always marshal
	}
	return b
}

// Inbound is a frame as received, its data not yet decoded.
type Inbound struct {
	Type string          `json:"type"`
	ID   string          `json:"id"`
	Data json.RawMessage `json:"data"`
}

// ErrBadFrame: the frame is not a JSON object with a string type.
var ErrBadFrame = errors.New("protocol: malformed frame")

// DecodeFrame parses a frame's envelope. The id is returned whenever the
// frame is an object with a string id of an allowed length, even when its
// type is missing, empty or not a string, so the error reply can carry it:
// every request with an id gets exactly one reply.
func DecodeFrame(raw []byte) (Inbound, error) {
	var in Inbound
	if err := json.Unmarshal(raw, &in); err != nil {
		var id struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &id) != nil || len(id.ID) > MaxIDLen {
			return Inbound{}, ErrBadFrame
		}
		return Inbound{ID: id.ID}, ErrBadFrame
	}
	if len(in.ID) > MaxIDLen {
		return Inbound{}, ErrBadFrame
	}
	if in.Type == "" {
		return in, ErrBadFrame
	}
	return in, nil
}

// DecodeData reads a request's data strictly: a field of the wrong JSON
// type is an error (an object where a string is expected never reaches
// storage). Missing data decodes as {}.
func DecodeData(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		raw = []byte("{}")
	}
	return json.Unmarshal(raw, v)
}

// EventHead is the type of an encoded event, for receivers that dispatch on
// it before decoding the data.
type EventHead struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}
