package conformance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// CassetteError is returned by CheckCassettes when an input cannot be read as
// go-vcr v4 cassettes: the path does not exist, a file is not YAML or not a
// format version 2 cassette, a cassette holds no interactions or an unusable
// one, or a directory holds no cassettes. Nothing has been checked when it is
// returned, so a gate must treat it as a failure of its input, not a verdict.
type CassetteError struct {
	// File is the path at fault: a cassette file, or the path or directory
	// that was given.
	File string
	// Err says what was wrong with it.
	Err error
}

// Error names the file and says what was wrong with it.
func (e *CassetteError) Error() string {
	return fmt.Sprintf("conformance: %s: %v", e.File, e.Err)
}

// Unwrap returns Err, so that errors.Is sees fs.ErrNotExist for a missing path.
func (e *CassetteError) Unwrap() error { return e.Err }

// recorded is one interaction, turned into an Exchange and ready to check.
type recorded struct {
	file     string
	id       int
	method   string
	url      string
	exchange Exchange
}

// CheckCassettes checks every interaction recorded in the go-vcr v4 cassettes
// (format version 2) at paths, and returns one Result per interaction. A path
// is a cassette file or a directory, which is walked for *.yaml and *.yml
// files. Results come in a stable order: paths as given, the files under a
// directory in lexical order, and each cassette's interactions as recorded.
//
// Every input is read before anything is checked, so that an unreadable input
// yields a *CassetteError and no Results, never a partial verdict. A cassette
// without interactions is unreadable too: it proves nothing.
func (v *Validator) CheckCassettes(ctx context.Context, paths ...string) ([]Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("conformance: no cassette paths given")
	}
	var all []recorded
	for _, p := range paths {
		files, err := cassetteFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			rs, err := loadCassette(f)
			if err != nil {
				return nil, err
			}
			all = append(all, rs...)
		}
	}
	results := make([]Result, 0, len(all))
	for _, r := range all {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		violations := append(v.Validate(ctx, r.exchange), checkRecordedSecrets(r.exchange.Request)...)
		if violations == nil {
			violations = []Violation{} // The JSON report says [], not null.
		}
		results = append(results, Result{
			File:       r.file,
			ID:         r.id,
			Method:     r.method,
			URL:        noSecrets.URL(r.url),
			StatusCode: r.exchange.Response.StatusCode,
			OK:         len(violations) == 0,
			Violations: violations,
		})
	}
	return results, nil
}

// noSecrets renders recorded URLs for reports. It knows no key, since a
// recording holds none that the gate could know, but hides credentials and
// query values.
var noSecrets = redact.New()

// checkRecordedSecrets reports a recording that still carries a credential:
// an Authorization header other than "Bearer REDACTED", or a user and
// password in the URL. A committed cassette must not hold a secret, and CI is
// where that is caught. Live traffic is not held to this.
func checkRecordedSecrets(req *http.Request) []Violation {
	var out []Violation
	if auth := req.Header.Get("Authorization"); auth != "" && !redact.IsRedactedAuthorization(auth) {
		if _, token, _ := strings.Cut(auth, " "); strings.TrimSpace(token) != "" {
			out = append(out, Violation{Kind: KindSemantic, Pointer: PointerAuthorization,
				Message: "holds what looks like a real key; recordings must say " + strconv.Quote(redact.Authorization("Bearer x")) +
					" (record through conformance.NewRecorder or govcr.RedactHook)"})
		}
	}
	if req.URL.User != nil {
		out = append(out, Violation{Kind: KindSemantic, Pointer: PointerURL,
			Message: "carries a user or password; recordings must not hold credentials"})
	}
	return out
}

// cassetteFiles resolves path to the cassette files it names: itself when it
// is a file, its *.yaml and *.yml files, in lexical order, when it is a
// directory.
func cassetteFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &CassetteError{File: path, Err: pathCause(err)}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	// WalkDir visits entries in lexical order, which makes reports stable.
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &CassetteError{File: p, Err: pathCause(err)}
		}
		// Symlinks count too: skipping them would skip cassettes silently.
		if !d.IsDir() && isCassetteName(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &CassetteError{File: path, Err: errors.New("directory holds no *.yaml or *.yml cassettes")}
	}
	return files, nil
}

func isCassetteName(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// pathCause drops the operation and path that *fs.PathError repeats, since
// CassetteError names the file already.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// loadCassette reads the cassette at file and turns its interactions into
// exchanges.
func loadCassette(file string) ([]recorded, error) {
	c, err := readCassette(file)
	if err != nil {
		return nil, err
	}
	out := make([]recorded, 0, len(c.Interactions))
	for i, in := range c.Interactions {
		r, err := toRecorded(file, in)
		if err != nil {
			return nil, &CassetteError{File: file, Err: fmt.Errorf("interactions[%d]: %w", i, err)}
		}
		out = append(out, r)
	}
	return out, nil
}

// readCassette reads and parses the cassette at file. It refuses a cassette
// without interactions.
func readCassette(file string) (*vcr.Cassette, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &CassetteError{File: file, Err: pathCause(err)}
	}
	c, err := vcr.Decode(data)
	switch {
	case errors.Is(err, vcr.ErrUnsupportedFormat):
		return nil, &CassetteError{File: file, Err: err}
	case err != nil:
		return nil, &CassetteError{File: file, Err: fmt.Errorf("not a go-vcr cassette: %w", err)}
	case len(c.Interactions) == 0:
		return nil, &CassetteError{File: file, Err: errors.New("cassette holds no interactions")}
	}
	return c, nil
}

// toRecorded turns an interaction into an Exchange. It refuses interactions
// that are not traffic at all, which the Validator would otherwise report as
// confusing violations of the spec.
func toRecorded(file string, in *vcr.Interaction) (recorded, error) {
	switch {
	case in == nil:
		return recorded{}, errors.New("empty interaction")
	case in.Request.Method == "":
		return recorded{}, errors.New("request has no method")
	case in.Request.URL == "":
		return recorded{}, errors.New("request has no url")
	case in.Response.Code == 0:
		return recorded{}, errors.New("response has no status code")
	}
	req, err := in.Request.HTTPRequest()
	if err != nil {
		return recorded{}, fmt.Errorf("request url: %w", err)
	}
	// Hand-written cassettes and recordings made by other tools may spell
	// header names in lower case, which http.Header lookups would miss.
	req.Header = canonicalHeader(in.Request.Headers)
	return recorded{
		file:   file,
		id:     in.ID,
		method: in.Request.Method,
		url:    in.Request.URL,
		exchange: Exchange{
			Request:     req,
			RequestBody: []byte(in.Request.Body),
			Response: &Response{
				StatusCode: in.Response.Code,
				Header:     canonicalHeader(in.Response.Headers),
				Body:       []byte(in.Response.Body),
			},
		},
	}, nil
}

func canonicalHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for name, values := range h {
		for _, v := range values {
			out.Add(name, v)
		}
	}
	return out
}
