package conformance

import (
	"fmt"
	"io"
	"net/http"
)

// readRequestBody reads req's body whole, up to limit bytes, and closes it.
// A request without a body gives nil. A larger body is an error rather than
// a body cut short: what is checked, recorded or matched is what was sent,
// or nothing.
func readRequestBody(req *http.Request, limit int64) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer req.Body.Close()
	b, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("request body exceeds %d bytes", limit)
	}
	return b, nil
}
