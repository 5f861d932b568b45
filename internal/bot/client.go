// Package bot calls an OpenAI-compatible chat-completions API for the
// assistant that answers visitors while no agent can.
package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Client sends chat-completions requests. The zero value is not usable:
// build it with New.
type Client struct {
	http *http.Client
}

// New returns a client. Each call is bounded by the settings' timeout
// through its context; the transport adds no retries: a failed answer is
// dropped, never repeated to the visitor.
func New() *Client {
	return &Client{http: &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
	}}}
}

type request struct {
	Model       string         `json:"model"`
	Messages    []chat.BotTurn `json:"messages"`
	Temperature float64        `json:"temperature"`
	MaxTokens   int            `json:"max_tokens"`
}

type response struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
	} `json:"choices"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// maxResponse bounds what is read from the API.
const maxResponse = 1 << 20

// Complete returns the assistant's answer to turns.
func (c *Client) Complete(ctx context.Context, b chat.BotSettings, turns []chat.BotTurn) (string, error) {
	body, err := json.Marshal(request{Model: b.Model, Messages: turns, Temperature: 0.3, MaxTokens: 600})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.BaseURL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if b.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+b.APIKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return "", err
	}
	var out response
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("bot: status %d, undecodable answer", resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		msg := ""
		if out.Error != nil {
			msg = out.Error.Message
		}
		return "", fmt.Errorf("bot: status %d: %.200s", resp.StatusCode, msg)
	}
	if len(out.Choices) == 0 {
		return "", errors.New("bot: no choices in the answer")
	}
	return out.Choices[0].Message.Content, nil
}
