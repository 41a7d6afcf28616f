package conformance

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"runtime"
	"slices"

	"github.com/zcdrop/zcdrop/internal/cassettefile"
	"github.com/zcdrop/zcdrop/internal/redact"
	"github.com/zcdrop/zcdrop/internal/vcr"
)

// CassetteError is returned by CheckCassettes when an input cannot be read as
// go-vcr v4 cassettes: the path does not exist, a file is not a regular file,
// is over the budget (MaxCassetteBytes and its kin), is not one YAML document
// or not a format version 2 cassette, a cassette holds no interactions or an
// unusable one, or a directory holds no cassettes. No verdict is given when
// it is returned, so a gate must treat it as a failure of its input.
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

// recorded is one interaction, parsed enough to be known to be traffic.
// Its bodies are copied into an Exchange only when it is checked, so that
// the gate holds one cassette at a time and copies the bodies of one
// interaction at a time, however large the corpus.
type recorded struct {
	file string
	in   *vcr.Interaction
	req  *http.Request
}

// CheckCassettes checks every interaction recorded in the go-vcr v4 cassettes
// (format version 2) at paths, and returns one Result per interaction. A path
// is a cassette file or a directory, which is walked for *.yaml and *.yml
// files. Results come in a stable order: paths as given, the files under a
// directory in lexical order, and each cassette's interactions as recorded.
//
// An unreadable input yields a *CassetteError and no Results, never a
// partial verdict. A file that two paths name (a link, a file named twice,
// or under two directories given) is read and checked once, where it is
// first found. A cassette is unreadable when it is not a regular file
// (or a link to one), when it is over the budget (MaxCassetteTextBytes,
// MaxCassetteAliasNodes, or MaxCassetteBytes unless it is read as a stream,
// with its interactions in block style), or the corpus is
// (MaxCorpusBytes, MaxCorpusInteractions), when it is not exactly one
// YAML document with "version: 2", and when it holds no interactions, which
// prove nothing. CheckCassettes returns ctx's error, and no Results, as soon
// as ctx is done.
//
// Beyond openapi.yaml, each interaction fails when the recording holds a
// credential (see checkRecordedSecrets), when a recorded length disagrees
// with its body, and when a body is over DefaultMaxBodyBytes, which the
// Transport would refuse to buffer: such a body is not validated. It fails,
// too, when it makes the sequence of its cassette impossible by the
// lifecycle rules (see the package documentation), which read each
// cassette apart from the others.
//
// Traffic recorded through a proxy at a base URL with a path (recorded at
// /zilliz/v2/…) is checked on the path below it when ctx carries that path:
// CheckCassettes(WithBasePath(ctx, "/zilliz"), dir).
func (v *Validator) CheckCassettes(ctx context.Context, paths ...string) ([]Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("conformance: no cassette paths given")
	}
	return v.collect(ctx, corpusLimits{MaxCorpusBytes, MaxCorpusInteractions}, paths)
}

// collect is CheckCassettes within lim.
func (v *Validator) collect(ctx context.Context, lim corpusLimits, paths []string) ([]Result, error) {
	var results []Result
	err := v.checkCassettes(ctx, lim, paths, func(r Result) error {
		results = append(results, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// CheckCassettesFunc checks the cassettes at paths as CheckCassettes does,
// and hands each Result to fn as soon as it and every Result before it are
// known, in CheckCassettes's order. It holds a few parts of cassettes at a
// time, never a corpus nor a whole large cassette, nor the Results, so a
// gate over any corpus runs in about the memory of a small one. It stops
// at the first error, fn's included.
//
// Unlike CheckCassettes, it may have handed fn Results before it returns a
// *CassetteError for an input that comes later, or ctx's error: they are
// then no verdict, as CheckCassettes would have given none. A caller that
// writes a report as Results come keeps it aside until CheckCassettesFunc
// returns nil (WriteReportFunc does so).
func (v *Validator) CheckCassettesFunc(ctx context.Context, paths []string, fn func(Result) error) error {
	if len(paths) == 0 {
		return errors.New("conformance: no cassette paths given")
	}
	return v.checkCassettes(ctx, corpusLimits{MaxCorpusBytes, MaxCorpusInteractions}, paths, fn)
}

// checkCassettes is CheckCassettesFunc within lim. It checks the parts of
// cassettes on every core the runtime may use, and applies the lifecycle
// rules, which read a cassette's interactions in order, as their results
// come in order.
func (v *Validator) checkCassettes(ctx context.Context, lim corpusLimits, paths []string, fn func(Result) error) error {
	var life *lifecycle
	return eachPart(ctx, lim, paths, runtime.GOMAXPROCS(0), v.checkPart,
		func(p cassettefile.Part, checked []checkedResult) error {
			if p.First {
				life = newLifecycle() // Each cassette is a sequence of its own.
			}
			for i, c := range checked {
				life.observe(&c.result, c.said)
				if !c.result.OK {
					locateViolations(&c.result, p.Text, p.Pos[i])
					// Here, after the lifecycle rules, which fail some.
					c.result.Exchange = newRecordedExchange(p.Interactions[i])
				}
				if err := fn(c.result); err != nil {
					return err
				}
			}
			return nil
		})
}

// checkedResult is an interaction's verdict before the lifecycle rules,
// and what its answer said of its cluster, for them.
type checkedResult struct {
	result Result
	said   *reading
}

// checkPart checks the interactions of p, read from p.File, in order.
func (v *Validator) checkPart(ctx context.Context, p cassettefile.Part) ([]checkedResult, error) {
	out := make([]checkedResult, 0, len(p.Interactions))
	for i, in := range p.Interactions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := toRecorded(p.File, in)
		if err != nil {
			return nil, &CassetteError{File: p.File, Err: fmt.Errorf("line %d: interactions[%d]: %w", p.Pos[i].Line, p.Offset+i, err)}
		}
		r.req = r.req.WithContext(ctx) // The base path mark, if ctx has one.
		result, said := v.checkRecorded(ctx, r)
		result.Line = p.Pos[i].Line
		out = append(out, checkedResult{result, said})
	}
	return out, nil
}

// checkRecorded judges one recorded interaction, and returns what its
// answer says of its cluster for the lifecycle rules (see validate).
func (v *Validator) checkRecorded(ctx context.Context, r recorded) (Result, *reading) {
	in := r.in
	var violations []Violation
	var said *reading
	var exercised Exercised
	switch {
	case len(in.Request.Body) > DefaultMaxBodyBytes:
		// The Transport refuses to send such a request, so there is no
		// exchange to judge.
		violations = []Violation{{Kind: KindRequest,
			Message: fmt.Sprintf("body exceeds %d bytes; not validated, nor was the response", DefaultMaxBodyBytes)}}
	case len(in.Response.Body) > DefaultMaxBodyBytes:
		// As the Transport in ModeObserve: the request is judged, the
		// response is not.
		violations, _, exercised = v.validate(ctx, Exchange{Request: r.req, RequestBody: []byte(in.Request.Body)})
		violations = append(violations, Violation{Kind: KindResponse, Message: fmt.Sprintf("body exceeds %d bytes; not validated", DefaultMaxBodyBytes)})
	default:
		violations, said, exercised = v.validate(ctx, Exchange{
			Request:     r.req,
			RequestBody: []byte(in.Request.Body),
			Response: &Response{
				StatusCode: in.Response.Code,
				Header:     canonicalHeader(in.Response.Headers),
				Body:       []byte(in.Response.Body),
			},
		})
	}
	violations = append(violations, headerSpellings(KindRequest, in.Request.Headers)...)
	violations = append(violations, headerSpellings(KindResponse, in.Response.Headers)...)
	violations = append(violations, checkRecordedLengths(in)...)
	violations = append(violations, checkRecordedSecrets(r.req)...)
	violations = append(violations, checkRecordedBodySecrets(in)...)
	if violations == nil {
		violations = []Violation{} // The JSON report says [], not null.
	}
	// A message may quote what the recording holds (an echoed cluster ID,
	// a content type, a method), and a recording may hold a key that the
	// gate has just failed it for: what looks like one is masked in the
	// report, as URLs and bodies are.
	for i := range violations {
		violations[i].Message = redact.MaskKeyTokens(violations[i].Message)
	}
	return Result{
		File:       r.file,
		ID:         in.ID,
		Method:     redact.MaskKeyTokens(in.Request.Method),
		URL:        reportURL(in.Request.URL),
		StatusCode: in.Response.Code,
		OK:         len(violations) == 0,
		Violations: violations,
		Exercised:  exercised,
	}, said
}

// noSecrets renders recorded URLs for reports. It knows no key, since a
// recording holds none that the gate could know, but hides credentials and
// query values.
var noSecrets = redact.New()

// toRecorded readies an interaction to be checked. It refuses interactions
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
		// url.Parse quotes the URL in its error, user, password and query
		// included, and the redactor cannot take apart what did not parse.
		return recorded{}, errors.New("request url cannot be parsed as a URL (it is not quoted here, since it may hold a credential)")
	}
	// Hand-written cassettes and recordings made by other tools may spell
	// header names in lower case, which http.Header lookups would miss.
	req.Header = canonicalHeader(in.Request.Headers)
	return recorded{file: file, in: in, req: req}, nil
}

// canonicalHeader returns h with its names in canonical form. Values of
// names that collide ("Content-Type" and "content-type") are kept, in the
// order of the names as written, so that the result never depends on the
// order of a map; headerSpellings reports the collision.
func canonicalHeader(h http.Header) http.Header {
	if allCanonical(h) {
		// As recorders write them: nothing to merge. The Header is only
		// read, as the cassette is.
		return h
	}
	out := make(http.Header, len(h))
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out.Add(name, v)
		}
	}
	return out
}

// allCanonical says whether every name in h is in canonical form.
func allCanonical(h http.Header) bool {
	for name := range h {
		if http.CanonicalHeaderKey(name) != name {
			return false
		}
	}
	return true
}

// headerSpellings reports each header recorded under more than one spelling
// of its name: a reader that looks up one spelling sees other values than a
// reader that merges them, so the recording says two things. It names the
// header by its canonical name, unless that name looks like a key.
func headerSpellings(kind Kind, h http.Header) []Violation {
	if allCanonical(h) {
		return nil // Distinct canonical names are distinct headers.
	}
	spellings := map[string]int{}
	for name := range h {
		spellings[http.CanonicalHeaderKey(name)]++
	}
	var out []Violation
	for _, name := range slices.Sorted(maps.Keys(spellings)) {
		if n := spellings[name]; n > 1 {
			p := "header/" + name
			if redact.HasKeyToken(name) {
				p = "header"
			}
			out = append(out, Violation{Kind: kind, Pointer: p,
				Message: fmt.Sprintf("is recorded under %d spellings of its name; readers disagree on which one counts", n)})
		}
	}
	return out
}
