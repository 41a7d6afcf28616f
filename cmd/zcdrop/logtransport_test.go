package main

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/zcdrop/zcdrop/internal/redact"
)

func TestLogTransportRedactsTheKey(t *testing.T) {
	tests := []struct {
		name string
		base roundTripFunc
		want string // in the log, with the key hidden
	}{
		{
			name: "a response header echoes the key",
			base: func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200, Header: http.Header{"X-Echo": {"key=" + dropKey}}, Request: r}, nil
			},
			want: `X-Echo=\"key=` + redact.Placeholder + `\"`,
		},
		{
			name: "an error quotes the key",
			base: func(*http.Request) (*http.Response, error) {
				return nil, errors.New("proxy refused token " + dropKey)
			},
			want: "error=\"proxy refused token " + redact.Placeholder + "\"",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			lt := &logTransport{base: tt.base, log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})), secrets: redact.New(dropKey)}
			req, err := http.NewRequest(http.MethodDelete, "http://127.0.0.1:1/v2/clusters/in01-abc/drop?token="+dropKey, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+dropKey)
			_, _ = lt.RoundTrip(req) // The fake answers have no body to close.
			out := logged.String()
			if strings.Contains(out, dropKey) {
				t.Errorf("the log holds the key:\n%s", out)
			}
			for _, want := range []string{`Authorization=\"Bearer ` + redact.Placeholder + `\"`, tt.want} {
				if !strings.Contains(out, want) {
					t.Errorf("the log lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
