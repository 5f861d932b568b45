package desk

import (
	"context"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// Limiter counts requests per named rule and key across nodes.
// internal/ratelimit implements it.
type Limiter interface {
	Take(ctx context.Context, rule, key string) (retryAfter int, err error)
	Peek(ctx context.Context, rule, key string) (retryAfter int, err error)
	Reset(ctx context.Context, rule, key string) error
}

// limit consumes one unit of rule for key. A limiter failure (Redis away)
// lets the request through: availability beats strictness here, and the
// write path refuses on its own when Redis is down.
func (s *Service) limit(ctx context.Context, rule, key string) error {
	if s.limiter == nil || key == "" {
		return nil
	}
	wait, err := s.limiter.Take(ctx, rule, key)
	if err != nil {
		s.log.Warn("rate limiter unavailable", "rule", rule, "err", err)
		return nil
	}
	if wait > 0 {
		return &chat.Error{Code: chat.ERATELIMITED, Message: "Bạn thao tác quá nhanh, vui lòng thử lại sau ít phút.", RetryAfter: wait}
	}
	return nil
}

// SetLimiter installs rate limiting (optional in unit tests).
func (s *Service) SetLimiter(l Limiter) { s.limiter = l }
