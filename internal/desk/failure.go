package desk

import (
	"log/slog"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// failures turns a dependency's error into what the caller may see: an
// application error passes through, anything else is logged and becomes
// chat.ErrUnavailable (MongoDB or Redis is down: retry later), so internals
// never reach a client.
type failures struct {
	log     *slog.Logger
	metrics metricsOrNil
}

func (f failures) unavailable(err error) error {
	if _, ok := chat.AsError(err); ok {
		return err
	}
	f.log.Error("dependency failure", "err", err)
	return chat.ErrUnavailable
}

// redis is unavailable for a Redis failure: counted as such.
func (f failures) redis(err error) error {
	if _, ok := chat.AsError(err); !ok {
		f.metrics.redisError()
	}
	return f.unavailable(err)
}
