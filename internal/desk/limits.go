package desk

import (
	"context"
	"log/slog"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// limits applies the rate-limit rules (internal/ratelimit names them).
type limits struct {
	lim Limiter
	log *slog.Logger
}

// take consumes one unit of rule for key. A limiter failure (Redis away)
// lets the request through: availability beats strictness here, and the
// write path refuses on its own when Redis is down. Message and typing
// limits count in the node's memory and cannot fail (internal/ratelimit).
func (l limits) take(ctx context.Context, rule, key string) error {
	return l.takeOr(ctx, rule, key, nil)
}

// takeStrict is take for the limits that guard against password guessing:
// when they cannot be counted, the request is refused (unavailable), never
// let through uncounted.
func (l limits) takeStrict(ctx context.Context, rule, key string) error {
	return l.takeOr(ctx, rule, key, chat.ErrUnavailable)
}

func (l limits) takeOr(ctx context.Context, rule, key string, onFailure error) error {
	if l.lim == nil || key == "" {
		return nil
	}
	wait, err := l.lim.Take(ctx, rule, key)
	if err != nil {
		l.log.Warn("rate limiter unavailable", "rule", rule, "err", err)
		return onFailure
	}
	if wait > 0 {
		return &chat.Error{Code: chat.ERATELIMITED, Message: "Bạn thao tác quá nhanh, vui lòng thử lại sau ít phút.", RetryAfter: wait}
	}
	return nil
}
