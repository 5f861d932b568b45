package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// A renamed frame must fail the build, not a browser: the front-ends import
// wire.js, so it must say what this package says.
func TestWireJSIsCurrent(t *testing.T) {
	got, err := os.ReadFile("wire.js")
	if err != nil {
		t.Fatal(err)
	}
	if want := WireJS(); !bytes.Equal(got, want) {
		t.Fatalf("internal/protocol/wire.js is stale: run `go generate ./internal/protocol`\n--- want\n%s", want)
	}
}

func TestNamesAreUnique(t *testing.T) {
	for name, list := range map[string][]string{"requests": Requests, "events": Events, "changes": Changes, "error codes": chat.ErrorCodes} {
		seen := map[string]bool{}
		for _, v := range list {
			if v == "" || seen[v] {
				t.Errorf("%s: %q empty or repeated", name, v)
			}
			seen[v] = true
		}
	}
}

func TestDecodeFrame(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr bool
		wantID  string
	}{
		{"request", `{"type":"sync","id":"r1","data":{"afterSeq":3}}`, false, "r1"},
		{"no data", `{"type":"sync"}`, false, ""},
		{"id without type keeps the id", `{"id":"r2","data":{}}`, true, "r2"},
		{"empty type keeps the id", `{"type":"","id":"r3"}`, true, "r3"},
		{"not json", `hello`, true, ""},
		{"array", `[1,2]`, true, ""},
		{"type of wrong kind keeps the id", `{"type":5,"id":"r4"}`, true, "r4"},
		{"data of wrong kind keeps the id", `{"type":"sync","id":"r5","data":[1]}`, false, "r5"},
		{"id of wrong kind", `{"type":"sync","id":5}`, true, ""},
		{"id too long", `{"type":"sync","id":"` + string(bytes.Repeat([]byte("x"), MaxIDLen+1)) + `"}`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := DecodeFrame([]byte(tt.raw))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if in.ID != tt.wantID {
				t.Fatalf("id = %q, want %q", in.ID, tt.wantID)
			}
		})
	}
}

func TestDecodeDataIsStrictAboutTypes(t *testing.T) {
	var s MessageSend
	if err := DecodeData(json.RawMessage(`{"text":{"$gt":""}}`), &s); err == nil {
		t.Fatal("an object where a string is expected was accepted")
	}
	if err := DecodeData(nil, &s); err != nil {
		t.Fatalf("missing data: %v", err)
	}
}

func TestErrorOfNeverLeaksInternals(t *testing.T) {
	got := ErrorOf(errors.New("mongo: connection refused at 10.0.0.3"))
	if got.Code != chat.EINTERNAL || bytes.Contains([]byte(got.Message), []byte("10.0.0.3")) {
		t.Fatalf("got %+v", got)
	}
	rl := ErrorOf(&chat.Error{Code: chat.ERATELIMITED, Message: "chậm lại", RetryAfter: 7})
	b := Reply(EvtError, "r1", rl)
	if !bytes.Contains(b, []byte(`"retryAfter":7`)) || !bytes.Contains(b, []byte(`"id":"r1"`)) {
		t.Fatalf("wire form %s", b)
	}
}

// Every error code constant of internal/chat is listed in chat.ErrorCodes
// (and so reaches wire.js): a new code cannot be forgotten.
func TestEveryErrorCodeIsListed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../chat/error.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range chat.ErrorCodes {
		listed[c] = true
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for i, name := range spec.(*ast.ValueSpec).Names {
				lit, ok := spec.(*ast.ValueSpec).Values[i].(*ast.BasicLit)
				if !ok || !strings.HasPrefix(name.Name, "E") {
					continue
				}
				if code, _ := strconv.Unquote(lit.Value); !listed[code] {
					t.Errorf("chat.%s (%s) is missing from chat.ErrorCodes", name.Name, code)
				}
			}
		}
	}
}
