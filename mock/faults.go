package mock

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
)

// FaultKind names a failure that the Server can inject.
type FaultKind int

// The kinds of Fault.
const (
	// FaultStatus answers with Fault.StatusCode and the error envelope, as
	// a failing control plane would; the envelope's code is the status. A
	// StatusCode of 401 instead answers as the real API refuses a key, with
	// code 21119 and the message "The apikey is illegal." The request is not
	// processed.
	FaultStatus FaultKind = iota + 1
	// FaultBadGatewayHTML answers 502 with an HTML page (Content-Type
	// text/html), as a gateway in front of the API does. The request is not
	// processed.
	FaultBadGatewayHTML
	// FaultTruncatedJSON processes the request, then sends only the first
	// half of its JSON body, with a Content-Length that matches: the HTTP
	// exchange completes, but the body does not parse. A drop takes effect.
	FaultTruncatedJSON
	// FaultAbortMidBody processes the request, then sends the status, the
	// headers (with the full Content-Length) and half of the body, and closes
	// the connection. A drop takes effect; only its answer is lost.
	//
	// It ends the handler with panic(http.ErrAbortHandler), net/http's way to
	// abort a response: net/http's server recovers from it, closes the
	// connection and logs nothing. A caller that uses the Server as a plain
	// http.Handler (calling ServeHTTP with an httptest.NewRecorder, or behind
	// middleware that recovers panics) must expect that panic.
	FaultAbortMidBody
)

// String returns the kind's name, as the CLI's flags spell it.
func (k FaultKind) String() string {
	switch k {
	case FaultStatus:
		return "status"
	case FaultBadGatewayHTML:
		return "html-502"
	case FaultTruncatedJSON:
		return "truncate-json"
	case FaultAbortMidBody:
		return "abort-mid-body"
	default:
		return "FaultKind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Fault is a failure that replaces or damages the Server's answers to the
// next Times requests, whatever their path. Faults queue up: the second
// starts once the first is spent.
type Fault struct {
	// Kind says what goes wrong.
	Kind FaultKind
	// StatusCode is the HTTP status of a FaultStatus, from 400 to 599; it is
	// also the envelope's code, except for 401 (see FaultStatus). Other kinds
	// ignore it.
	StatusCode int
	// Times is how many requests in a row the fault hits, at least 1.
	Times int
}

func (f Fault) validate() error {
	switch f.Kind {
	case FaultStatus:
		if f.StatusCode < 400 || f.StatusCode > 599 {
			return fmt.Errorf("mock: fault status %d is not from 400 to 599", f.StatusCode)
		}
	case FaultBadGatewayHTML, FaultTruncatedJSON, FaultAbortMidBody:
	default:
		return fmt.Errorf("mock: unknown fault kind %v", f.Kind)
	}
	if f.Times < 1 {
		return fmt.Errorf("mock: fault %v must hit at least 1 request, not %d", f.Kind, f.Times)
	}
	return nil
}

// InjectFault queues f behind any faults already queued. It is safe to call
// while the Server is serving.
func (s *Server) InjectFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
	return nil
}

// takeFault spends one request of the first queued fault and returns it.
func (s *Server) takeFault() (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	if s.faults[0].Times--; s.faults[0].Times == 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

// injectFaults lets the first queued fault, if any, replace the answer, or
// damage it once the request has been processed.
func (s *Server) injectFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.takeFault()
		switch {
		case !ok:
			next.ServeHTTP(w, r)
		case f.Kind == FaultStatus && f.StatusCode == http.StatusUnauthorized:
			respond(w, illegalAPIKey())
		case f.Kind == FaultStatus:
			respond(w, errorAnswer(f.StatusCode, http.StatusText(f.StatusCode)+"."))
		case f.Kind == FaultBadGatewayHTML:
			respond(w, badGateway())
		default:
			rec := newRecorder()
			next.ServeHTTP(rec, r)
			rec.sendDamaged(w, f.Kind)
		}
	})
}

// recorder holds a complete answer so that a fault can damage it before it
// is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder {
	return &recorder{header: http.Header{}, status: http.StatusOK}
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }

// sendDamaged sends the recorded answer to w as kind damages it.
func (r *recorder) sendDamaged(w http.ResponseWriter, kind FaultKind) {
	full := r.body.Bytes()
	half := full[:len(full)/2]
	for name, values := range r.header {
		w.Header()[name] = values
	}
	if kind == FaultTruncatedJSON {
		w.Header().Set("Content-Length", strconv.Itoa(len(half)))
		w.WriteHeader(r.status)
		_, _ = w.Write(half) // A write error means the client has gone.
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(full)))
	w.WriteHeader(r.status)
	_, _ = w.Write(half)
	_ = http.NewResponseController(w).Flush()
	// net/http's documented way to abort a response: the server closes the
	// connection without logging, and the client reads an unexpected EOF.
	// This is the one panic in the package.
	panic(http.ErrAbortHandler)
}
