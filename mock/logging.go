package mock

import (
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// maxLoggedBody is how much of an answer the log keeps to find its code. The
// mock's envelopes are a few hundred bytes.
const maxLoggedBody = 4 << 10

// logRequests logs one line per request, once its answer is sent, when
// WithLogger set a logger. It logs from a deferred call, so that an answer
// that FaultAbortMidBody cuts short is logged too. The path is logged
// without its query string, and with every seeded key hidden, in case a
// client put one there.
func (s *Server) logRequests(next http.Handler) http.Handler {
	if s.logger == nil {
		return next
	}
	secrets := redact.New(s.seededKeys()...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		lw := &loggedWriter{ResponseWriter: w}
		defer func() {
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", secrets.String(r.URL.EscapedPath())),
				slog.Int("status", lw.status),
			}
			if code, ok := envelopeCode(w.Header(), lw.body); ok {
				attrs = append(attrs, slog.Int64("code", code))
			}
			attrs = append(attrs, slog.Duration("latency", time.Since(start)))
			s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		next.ServeHTTP(lw, r)
	})
}

// loggedWriter passes an answer on and keeps what the log line needs: the
// status and the start of the body.
type loggedWriter struct {
	http.ResponseWriter
	status int
	body   []byte // at most maxLoggedBody bytes
}

func (w *loggedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *loggedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := maxLoggedBody - len(w.body); room > 0 {
		w.body = append(w.body, p[:min(len(p), room)]...)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection, which
// FaultAbortMidBody flushes.
func (w *loggedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// envelopeCode returns the code of a JSON answer: the error envelope's, or 0
// for a success.
func envelopeCode(header http.Header, body []byte) (int64, bool) {
	if mediaType, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mediaType != "application/json" {
		return 0, false
	}
	var envelope struct {
		Code *int64 `json:"code"`
	}
	if json.Unmarshal(body, &envelope) != nil || envelope.Code == nil {
		return 0, false
	}
	return *envelope.Code, true
}

// seededKeys returns every seeded key, for the log to hide.
func (s *Server) seededKeys() []string {
	keys := make([]string, 0, len(s.keys))
	for k := range s.keys {
		keys = append(keys, k)
	}
	return keys
}
