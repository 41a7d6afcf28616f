package mock

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/redact"
)

// With WithLogger, every request gets one Info line with its method, path,
// status, code and latency, and no line shows the key, in the Authorization
// header, in the path or in the query string.
func TestLogger(t *testing.T) {
	const canary = "mock-canary-5f0c2a9e" // the only key; it must never be logged
	var logged bytes.Buffer
	srv, err := New(
		WithClusters(dedicatedID, freeID),
		WithAPIKey(canary),
		WithLogger(slog.New(slog.NewJSONHandler(&logged, nil))),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		fault    Fault // injected before the request, when it has a Kind
		method   string
		target   string
		auth     string
		wantPath string
		status   int
		code     int64 // -1: no code attribute
	}{
		{name: "success", target: dropPath(dedicatedID), auth: bearer(canary),
			wantPath: dropPath(dedicatedID), status: 200, code: 0},
		{name: "business error", target: dropPath(dedicatedID), auth: bearer(canary),
			wantPath: dropPath(dedicatedID), status: 200, code: codeClusterNotFound},
		{name: "describe", method: http.MethodGet, target: describePath(dedicatedID), auth: bearer(canary),
			wantPath: describePath(dedicatedID), status: 200, code: 0},
		{name: "describe of a key in the path", method: http.MethodGet, target: describePath(canary), auth: bearer(canary),
			wantPath: describePath(redact.Placeholder), status: 200, code: codeInvalidClusterID},
		{name: "unknown key", target: dropPath(freeID), auth: bearer(canary + "-wrong"),
			wantPath: dropPath(freeID), status: 401, code: codeIllegalAPIKey},
		{name: "key in path and query", method: http.MethodGet, target: dropPath(canary) + "?key=" + canary, auth: bearer(canary),
			wantPath: dropPath(redact.Placeholder), status: 405, code: 405},
		{name: "html fault", fault: Fault{Kind: FaultBadGatewayHTML, Times: 1}, target: dropPath(freeID), auth: bearer(canary),
			wantPath: dropPath(freeID), status: 502, code: -1},
		{name: "truncated body", fault: Fault{Kind: FaultTruncatedJSON, Times: 1}, target: dropPath(freeID), auth: bearer(canary),
			wantPath: dropPath(freeID), status: 200, code: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault.Kind != 0 {
				if err := srv.InjectFault(tt.fault); err != nil {
					t.Fatal(err)
				}
			}
			method := tt.method
			if method == "" {
				method = http.MethodDelete
			}
			req := httptest.NewRequestWithContext(t.Context(), method, tt.target, nil)
			req.Header.Set("Authorization", tt.auth)
			logged.Reset()
			srv.ServeHTTP(httptest.NewRecorder(), req)

			line := logged.String()
			if strings.Contains(line, canary) || strings.Contains(line, "Authorization") || strings.Contains(line, "key=") {
				t.Errorf("the log shows the key or the header: %s", line)
			}
			if n := strings.Count(line, "\n"); n != 1 {
				t.Fatalf("%d lines for one request: %s", n, line)
			}
			var got struct {
				Level   string
				Msg     string
				Method  string
				Path    string
				Status  int
				Code    *int64
				Latency *int64
			}
			if err := json.Unmarshal([]byte(line), &got); err != nil {
				t.Fatal(err)
			}
			if got.Level != "INFO" || got.Method != method || got.Path != tt.wantPath || got.Status != tt.status || got.Latency == nil {
				t.Errorf("logged %s; want INFO, %s %s, status %d and a latency", line, method, tt.wantPath, tt.status)
			}
			switch {
			case tt.code < 0 && got.Code != nil:
				t.Errorf("logged code %d for an answer that is not a JSON envelope", *got.Code)
			case tt.code >= 0 && (got.Code == nil || *got.Code != tt.code):
				t.Errorf("logged %s; want code %d", line, tt.code)
			}
		})
	}
}

// An answer that FaultAbortMidBody cuts short is logged too, before the
// panic leaves ServeHTTP.
func TestLoggerLogsAnAbortedAnswer(t *testing.T) {
	var logged bytes.Buffer
	srv, err := New(seeded(WithFault(Fault{Kind: FaultAbortMidBody, Times: 1}), WithLogger(slog.New(slog.NewTextHandler(&logged, nil))))...)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodDelete, dropPath(dedicatedID), nil)
	req.Header.Set("Authorization", bearer(keyAll))
	func() {
		defer func() {
			if got := recover(); got != http.ErrAbortHandler {
				t.Errorf("ServeHTTP panicked with %v; want http.ErrAbortHandler", got)
			}
		}()
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}()
	if line := logged.String(); strings.Count(line, "\n") != 1 || !strings.Contains(line, "status=200") || strings.Contains(line, "code=") {
		t.Errorf("logged %q; want one line with status 200 and no code", line)
	}
}

// Without WithLogger, the Server logs nothing, not even to slog's default.
func TestNoLoggerLogsNothing(t *testing.T) {
	var logged bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	srv, err := New(seeded()...)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodDelete, dropPath(dedicatedID), nil)
	req.Header.Set("Authorization", bearer(keyAll))
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || logged.Len() != 0 {
		t.Errorf("HTTP %d, logged %q; want 200 and nothing logged", rec.Code, logged.String())
	}
}
