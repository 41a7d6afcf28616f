package conformance

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// upstream answers every request with status, content type and body, and
// counts the requests that reach it.
func upstream(t *testing.T, status int, contentType, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func drop(t *testing.T, client *http.Client, base, id string, auth bool) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, base+"/v2/clusters/"+id+"/drop", nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer k-123")
	}
	return client.Do(req)
}

const goodBody = `{"code":0,"data":{"clusterId":"in01-abc","prompt":"p"}}`

func TestTransportEnforce(t *testing.T) {
	v := newTestValidator(t)
	tests := []struct {
		name      string
		status    int
		body      string
		id        string
		auth      bool
		sent      int64  // requests that must reach the server
		wantErr   string // substring; empty means success
		errStatus int
	}{
		{name: "conforming", status: 200, body: goodBody, id: "in01-abc", auth: true, sent: 1},
		{name: "request without key is never sent", status: 200, body: goodBody, id: "in01-abc", sent: 0,
			wantErr: "refused before sending: semantic header/Authorization: missing"},
		{name: "malformed id is never sent", status: 200, body: goodBody, id: "in01-ABC", auth: true, sent: 0,
			wantErr: "request path/clusterId"},
		{name: "violating response is an error", status: 200, body: `{"code":0}`, id: "in01-abc", auth: true, sent: 1,
			wantErr: `response /data: property "data" is missing`, errStatus: 200},
		{name: "echo mismatch is an error", status: 200, body: goodBody, id: "in01-xyz", auth: true, sent: 1,
			wantErr: "semantic /data/clusterId", errStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := upstream(t, tt.status, "application/json", tt.body)
			var reports []Result
			client := &http.Client{Transport: &Transport{Validator: v, Mode: ModeEnforce, Report: func(r Result) { reports = append(reports, r) }}}
			res, err := drop(t, client, srv.URL, tt.id, tt.auth)
			if n.Load() != tt.sent {
				t.Errorf("%d requests reached the server, want %d", n.Load(), tt.sent)
			}
			if len(reports) != 1 {
				t.Fatalf("%d reports, want 1", len(reports))
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(b) != tt.body {
					t.Errorf("body %q, want %q", b, tt.body)
				}
				if !reports[0].OK {
					t.Errorf("report %+v, want OK", reports[0])
				}
				return
			}
			var ve *ViolationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a *ViolationError", err)
			}
			if ve.StatusCode != tt.errStatus || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got status %d, %v; want status %d and %q", ve.StatusCode, err, tt.errStatus, tt.wantErr)
			}
			if reports[0].OK || len(reports[0].Violations) == 0 {
				t.Errorf("report %+v, want violations", reports[0])
			}
		})
	}
}

func TestTransportObservePassesTrafficUntouched(t *testing.T) {
	v := newTestValidator(t)
	tests := []struct {
		name           string
		status         int
		contentType    string
		body           string
		auth           bool
		wantViolations bool
	}{
		{name: "conforming", status: 200, contentType: "application/json", body: goodBody, auth: true},
		{name: "violating response", status: 200, contentType: "application/json", body: `{"code":"0"}`, auth: true, wantViolations: true},
		{name: "violating request is still sent", status: 200, contentType: "application/json", body: goodBody, wantViolations: true},
		{name: "undeclared status", status: 302, contentType: "text/plain", body: "moved", auth: true, wantViolations: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := upstream(t, tt.status, tt.contentType, tt.body)
			var reports []Result
			client := &http.Client{
				Transport:     &Transport{Validator: v, Mode: ModeObserve, Report: func(r Result) { reports = append(reports, r) }},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
			res, err := drop(t, client, srv.URL, "in01-abc", tt.auth)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || string(b) != tt.body || n.Load() != 1 {
				t.Errorf("got %d %q after %d requests; want %d %q after 1", res.StatusCode, b, n.Load(), tt.status, tt.body)
			}
			if len(reports) != 1 || reports[0].OK == tt.wantViolations || reports[0].StatusCode != tt.status {
				t.Fatalf("reports %+v; want one with violations=%v", reports, tt.wantViolations)
			}
		})
	}
}

func TestTransportBodyCap(t *testing.T) {
	v := newTestValidator(t)
	big := `{"code":0,"data":{"clusterId":"in01-abc","prompt":"` + strings.Repeat("p", 4096) + `"}}`
	srv, _ := upstream(t, 200, "application/json", big)

	var reports []Result
	observe := &http.Client{Transport: &Transport{Validator: v, Mode: ModeObserve, MaxBodyBytes: 1024, Report: func(r Result) { reports = append(reports, r) }}}
	res, err := drop(t, observe, srv.URL, "in01-abc", true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != big {
		t.Errorf("observe mode lost part of an oversized body: got %d bytes, want %d", len(b), len(big))
	}
	if len(reports) != 1 || !strings.Contains(reports[0].Violations[0].Message, "exceeds 1024 bytes") {
		t.Errorf("reports %+v, want one saying the body exceeds the cap", reports)
	}

	enforce := &http.Client{Transport: &Transport{Validator: v, Mode: ModeEnforce, MaxBodyBytes: 1024}}
	if _, err := drop(t, enforce, srv.URL, "in01-abc", true); err == nil || !strings.Contains(err.Error(), "exceeds 1024 bytes") {
		t.Errorf("enforce mode: got %v, want an error about the cap", err)
	}
}

func TestTransportMidBodyFailure(t *testing.T) {
	v := newTestValidator(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "500")
		_, _ = io.WriteString(w, `{"code":0,`)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // Close the connection mid-body.
	}))
	t.Cleanup(srv.Close)

	var reports []Result
	observe := &http.Client{Transport: &Transport{Validator: v, Mode: ModeObserve, Report: func(r Result) { reports = append(reports, r) }}}
	res, err := drop(t, observe, srv.URL, "in01-abc", true)
	if err != nil {
		t.Fatal(err)
	}
	b, readErr := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != `{"code":0,` || readErr == nil {
		t.Errorf("observe mode: read %q, %v; want the partial body, then the read error", b, readErr)
	}
	if len(reports) != 1 || reports[0].OK {
		t.Errorf("reports %+v, want one violation", reports)
	}

	enforce := &http.Client{Transport: &Transport{Validator: v, Mode: ModeEnforce}}
	if _, err := drop(t, enforce, srv.URL, "in01-abc", true); err == nil || !strings.Contains(err.Error(), "read response body") {
		t.Errorf("enforce mode: got %v, want a read error", err)
	}
}

func TestTransportOffPassesTrafficUnchecked(t *testing.T) {
	// A violating request to a violating server: ModeOff checks neither,
	// and needs no Validator to do so.
	const body = `{"code":"0"}`
	srv, n := upstream(t, http.StatusFound, "text/plain", body)
	var reports []Result
	client := &http.Client{
		Transport:     &Transport{Mode: ModeOff, Report: func(r Result) { reports = append(reports, r) }},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := drop(t, client, srv.URL, "in01-ABC", false)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusFound || string(b) != body || n.Load() != 1 {
		t.Errorf("got %d %q after %d requests; want %d %q after 1", res.StatusCode, b, n.Load(), http.StatusFound, body)
	}
	if len(reports) != 0 {
		t.Errorf("reports %+v, want none", reports)
	}
}

func TestTransportMisconfigured(t *testing.T) {
	tests := []struct {
		name string
		tr   *Transport
		want string
	}{
		{"no validator", &Transport{Mode: ModeEnforce}, "conformance: Transport has no Validator"},
		{"zero mode", &Transport{Validator: newTestValidator(t)}, "conformance: Transport has Mode(0), not ModeEnforce, ModeObserve or ModeOff"},
		{"unknown mode", &Transport{Validator: newTestValidator(t), Mode: 7}, "conformance: Transport has Mode(7), not ModeEnforce, ModeObserve or ModeOff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := upstream(t, http.StatusOK, "application/json", goodBody)
			var reports []Result
			tt.tr.Report = func(r Result) { reports = append(reports, r) }
			res, err := drop(t, &http.Client{Transport: tt.tr}, srv.URL, "in01-abc", true)
			if err == nil {
				res.Body.Close()
				t.Fatalf("got HTTP %d, want an error", res.StatusCode)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			if n.Load() != 0 || len(reports) != 0 {
				t.Errorf("%d requests sent and %d reports, want none", n.Load(), len(reports))
			}
		})
	}
}

func TestModeNames(t *testing.T) {
	for _, tt := range []struct {
		mode Mode
		name string
	}{
		{ModeEnforce, "enforce"},
		{ModeObserve, "observe"},
		{ModeOff, "off"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.mode.String(); got != tt.name {
				t.Errorf("String() = %q, want %q", got, tt.name)
			}
			got, err := ParseMode(tt.name)
			if err != nil || got != tt.mode {
				t.Errorf("ParseMode(%q) = %v, %v; want %v", tt.name, got, err, tt.mode)
			}
		})
	}
	if got := Mode(0).String(); got != "Mode(0)" {
		t.Errorf("the zero Mode reads %q, want Mode(0)", got)
	}
}

func TestParseModeRefusesUnknownNames(t *testing.T) {
	for _, name := range []string{"", "Enforce", "OFF", "on", "strict", "Mode(0)", " observe"} {
		t.Run(name, func(t *testing.T) {
			m, err := ParseMode(name)
			want := `conformance: unknown mode "` + name + `" (want enforce, observe or off)`
			if err == nil || err.Error() != want || m != 0 {
				t.Errorf("ParseMode(%q) = %v, %v; want 0, %q", name, m, err, want)
			}
		})
	}
}

// TestTransportBasePath: a request whose context carries WithBasePath is
// routed without exactly that prefix; any other keeps its whole path.
func TestTransportBasePath(t *testing.T) {
	v := newTestValidator(t)
	srv, _ := upstream(t, 200, "application/json", goodBody)
	tests := []struct {
		name    string
		path    string // below srv.URL
		mark    string // the base path marked on the context; "" for none
		wantErr string // substring; empty means success
	}{
		{name: "marked", path: "/zilliz/v2/clusters/in01-abc/drop", mark: "/zilliz"},
		{name: "marked with a trailing slash", path: "/zilliz/v2/clusters/in01-abc/drop", mark: "/zilliz/"},
		{name: "two segments", path: "/a/b/v2/clusters/in01-abc/drop", mark: "/a/b"},
		{name: "unmarked", path: "/zilliz/v2/clusters/in01-abc/drop",
			wantErr: "request path: no operation in the spec matches path /zilliz/v2/clusters/in01-abc/drop"},
		{name: "another prefix", path: "/other/v2/clusters/in01-abc/drop", mark: "/zilliz",
			wantErr: "no operation in the spec matches path /other/v2/clusters/in01-abc/drop"},
		{name: "part of a segment", path: "/zilliz/v2/clusters/in01-abc/drop", mark: "/zil",
			wantErr: "no operation in the spec matches path /zilliz/v2/clusters/in01-abc/drop"},
		{name: "prefix only once", path: "/zilliz/zilliz/v2/clusters/in01-abc/drop", mark: "/zilliz",
			wantErr: "no operation in the spec matches path /zilliz/zilliz/v2/clusters/in01-abc/drop"},
		{name: "marked, unprefixed", path: "/v2/clusters/in01-abc/drop", mark: "/zilliz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.mark != "" {
				ctx = WithBasePath(ctx, tt.mark)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodDelete, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer k-123")
			client := &http.Client{Transport: &Transport{Validator: v, Mode: ModeEnforce}}
			res, err := client.Do(req)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return
			}
			if err == nil {
				res.Body.Close()
				t.Fatalf("the request passed; want %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, want %q", err, tt.wantErr)
			}
		})
	}
}
