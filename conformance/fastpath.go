package conformance

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/zcdrop/zcdrop/internal/basepath"
)

// The fast path proves that an exchange conforms, at about the cost of
// decoding it, or gives up. It never reports a violation: when it cannot
// prove conformance, for whatever reason, the full multi-error pass runs
// and says what is wrong, so every verdict and every detail stays that of
// the full pass. Its rules are compiled once per Validator from the spec,
// and only the parts of OpenAPI that it models exactly are compiled: an
// operation, response or schema that uses anything else has no fast path.
// equivalence_test.go holds the two passes to the same violations.

// fastOp is one operation as the fast path knows it.
type fastOp struct {
	method string
	id     string
	// path is the path template, as the spec spells it.
	path string
	// segments is the path template split on "/"; a path parameter's
	// segment is "" and its schema is in params at the same index.
	segments []string
	params   []*fastSchema
	// clusterIDAt is the index of the clusterId parameter's segment, or
	// -1 when the operation has none.
	clusterIDAt int
	// responses holds, by status code, the response that applies to it;
	// nil when it is undeclared or has no fast path.
	responses [1000]*fastResponse
}

// fastResponse is one declared response.
type fastResponse struct {
	// status is the key that the spec declares it under: "200", "4XX".
	status string
	// media maps each declared media type, spelled exactly as in the spec,
	// to its schema, nil for none.
	media map[string]*fastSchema
}

// fastSchemaKind says which part of JSON Schema a fastSchema models.
type fastSchemaKind uint8

const (
	fastObject fastSchemaKind = iota + 1
	fastString
	fastInteger
	fastOneOf
	fastIntEnum
)

// fastSchema is a compiled schema, for the keywords that the fast path
// models exactly; none is nullable, read-only or write-only.
type fastSchema struct {
	kind fastSchemaKind
	// Objects.
	properties []fastProperty
	required   []string
	// Strings. maxLength < 0 means no maximum.
	minLength, maxLength int
	pattern              *regexp.Regexp
	// Integers. enum, when not nil, lists the allowed values.
	enum              []int64
	minimum, maximum  int64
	hasMin, hasMax    bool
	int32Only         bool
	constrainedString bool
	// oneOf lists the branches, of which exactly one must match.
	oneOf []*fastSchema
	// not, when set, must not match.
	not *fastSchema
}

type fastProperty struct {
	name   string
	schema *fastSchema
}

// fastRoutes are the operations that the fast path knows, in no order:
// a path that matches more than one of them takes the full pass.
type fastRoutes []*fastOp

// compileFast compiles the fast path of every operation of doc that it
// can model; the others are left to the full pass.
func compileFast(doc *openapi3.T) fastRoutes {
	var out fastRoutes
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		if item == nil || len(item.Parameters) > 0 || len(item.Servers) > 0 {
			continue
		}
		for method, op := range item.Operations() {
			if f := compileOp(doc, path, method, op); f != nil {
				out = append(out, f)
			}
		}
	}
	return out
}

func compileOp(doc *openapi3.T, path, method string, op *openapi3.Operation) *fastOp {
	if op.RequestBody != nil || op.Responses == nil || !securityDeclared(doc, op) || !strings.HasPrefix(path, "/") {
		return nil
	}
	f := &fastOp{method: method, id: op.OperationID, path: path, clusterIDAt: -1}
	f.segments = strings.Split(path[1:], "/")
	f.params = make([]*fastSchema, len(f.segments))
	byName := map[string]int{}
	for i, s := range f.segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			name := s[1 : len(s)-1]
			if name == "" || strings.ContainsAny(name, "{}:") {
				return nil
			}
			byName[name] = i
			f.segments[i] = ""
		} else if strings.ContainsAny(s, "{}") || s == "" {
			return nil
		}
	}
	for _, ref := range op.Parameters {
		p := ref.Value
		if p == nil || p.Content != nil || p.Explode != nil || p.AllowReserved || p.AllowEmptyValue ||
			(p.Style != "" && p.Style != openapi3.SerializationSimple) {
			return nil
		}
		s := compileSchema(p.Schema, 0)
		switch {
		case s == nil:
			return nil
		case p.In == openapi3.ParameterInPath:
			i, ok := byName[p.Name]
			if !ok || s.kind != fastString || f.params[i] != nil {
				return nil
			}
			f.params[i] = s
			if p.Name == "clusterId" {
				f.clusterIDAt = i
			}
		case p.In == openapi3.ParameterInHeader:
			// Any value of an optional, unconstrained string conforms.
			if p.Required || s.kind != fastString || s.constrainedString {
				return nil
			}
		default:
			return nil // Query and cookie parameters are left to the full pass.
		}
	}
	for i, s := range f.segments {
		if s == "" && f.params[i] == nil {
			return nil
		}
	}
	type declared struct {
		key string
		ref *openapi3.ResponseRef
	}
	compiled := map[declared]*fastResponse{}
	for status := 100; status < len(f.responses); status++ {
		key, ref := declaredResponse(op, status)
		if ref == nil {
			continue
		}
		r, done := compiled[declared{key, ref}]
		if !done {
			r = compileResponse(key, ref)
			compiled[declared{key, ref}] = r
		}
		f.responses[status] = r
	}
	return f
}

// exercised is what a request of the operation exercised of the spec.
func (op *fastOp) exercised() Exercised {
	return Exercised{Operation: op.id, Method: op.method, Path: op.path}
}

// securityDeclared says whether every security scheme that op requires is
// declared: the full pass, with its no-op authentication, then never fails
// on security, and checkAuthorization is the check that counts.
func securityDeclared(doc *openapi3.T, op *openapi3.Operation) bool {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	for _, req := range reqs {
		for name := range req {
			if doc.Components == nil || doc.Components.SecuritySchemes[name] == nil {
				return false
			}
		}
	}
	return true
}

func compileResponse(status string, ref *openapi3.ResponseRef) *fastResponse {
	res := ref.Value
	if res == nil {
		return nil
	}
	for _, h := range res.Headers {
		hv := h.Value
		if hv == nil || hv.Required || hv.Content != nil || hv.Explode != nil ||
			(hv.Style != "" && hv.Style != openapi3.SerializationSimple) {
			return nil
		}
		// Any value of an optional, unconstrained string conforms.
		if s := compileSchema(hv.Schema, 0); s == nil || s.kind != fastString || s.constrainedString {
			return nil
		}
	}
	out := &fastResponse{status: status, media: make(map[string]*fastSchema, len(res.Content))}
	for name, mt := range res.Content {
		if mt == nil || mt.Schema == nil {
			out.media[name] = nil
			continue
		}
		// kin-openapi decodes other media types with other decoders, which
		// the fast path does not model.
		if name != "application/json" {
			return nil
		}
		s := compileSchema(mt.Schema, 0)
		if s == nil {
			return nil
		}
		out.media[name] = s
	}
	return out
}

// annotations are the keywords that never change whether a value
// conforms.
var annotations = []string{"description", "title", "example", "examples", "externalDocs", "deprecated"}

// compileSchema compiles ref, or returns nil when it uses a keyword that
// the fast path does not model. It reads the schema's keywords as
// kin-openapi writes them back, so that a keyword that kin-openapi learns
// later is one the fast path refuses rather than ignores.
func compileSchema(ref *openapi3.SchemaRef, depth int) *fastSchema {
	if ref == nil || ref.Value == nil || depth > 16 {
		return nil
	}
	s := ref.Value
	y, err := s.MarshalYAML()
	if err != nil {
		return nil
	}
	keywords, ok := y.(map[string]any)
	if !ok {
		return nil
	}
	allowed := func(names ...string) bool {
		for k := range keywords {
			if !strings.HasPrefix(k, "x-") && !slices.Contains(annotations, k) && !slices.Contains(names, k) && k != "not" {
				return false
			}
		}
		return true
	}
	var not *fastSchema
	if s.Not != nil {
		if not = compileSchema(s.Not, depth+1); not == nil {
			return nil
		}
	}
	out := compileKeywords(s, depth, allowed)
	if out != nil {
		out.not = not
	}
	return out
}

// compileKeywords compiles what s says besides not; allowed says whether
// s uses no other keywords than those named, annotations aside.
func compileKeywords(s *openapi3.Schema, depth int, allowed func(...string) bool) *fastSchema {
	var ok bool
	var err error
	switch {
	case s.Type.IsEmpty() && len(s.OneOf) == 0:
		// A schema of integers without a type, as "not: {enum: [0]}".
		if len(s.Enum) == 0 || !allowed("enum") {
			return nil
		}
		out := &fastSchema{kind: fastIntEnum, enum: []int64{}}
		for _, e := range s.Enum {
			n, ok := enumInt(e)
			if !ok {
				return nil
			}
			out.enum = append(out.enum, n)
		}
		return out
	case len(s.OneOf) > 0:
		if !allowed("oneOf") {
			return nil
		}
		out := &fastSchema{kind: fastOneOf}
		for _, b := range s.OneOf {
			c := compileSchema(b, depth+1)
			if c == nil {
				return nil
			}
			out.oneOf = append(out.oneOf, c)
		}
		return out
	case s.Type.Is(openapi3.TypeObject):
		if !allowed("type", "required", "properties") {
			return nil
		}
		out := &fastSchema{kind: fastObject, required: s.Required}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			c := compileSchema(s.Properties[name], depth+1)
			if c == nil {
				return nil
			}
			out.properties = append(out.properties, fastProperty{name: name, schema: c})
		}
		return out
	case s.Type.Is(openapi3.TypeString):
		if !allowed("type", "minLength", "maxLength", "pattern") || strings.Contains(s.Pattern, `\u`) {
			return nil
		}
		out := &fastSchema{kind: fastString, minLength: int(s.MinLength), maxLength: -1}
		if s.MaxLength != nil {
			out.maxLength = int(*s.MaxLength)
		}
		if s.Pattern != "" {
			if out.pattern, err = regexp.Compile(s.Pattern); err != nil {
				return nil
			}
		}
		out.constrainedString = out.minLength != 0 || out.maxLength >= 0 || out.pattern != nil
		return out
	case s.Type.Is(openapi3.TypeInteger):
		if !allowed("type", "format", "enum", "minimum", "maximum") {
			return nil
		}
		out := &fastSchema{kind: fastInteger}
		switch s.Format {
		case "int32":
			out.int32Only = true
		case "", "int64":
		default:
			return nil
		}
		if s.Min != nil {
			if out.minimum, ok = exactInt(*s.Min); !ok {
				return nil
			}
			out.hasMin = true
		}
		if s.Max != nil {
			if out.maximum, ok = exactInt(*s.Max); !ok {
				return nil
			}
			out.hasMax = true
		}
		if s.Enum != nil {
			out.enum = []int64{}
			for _, e := range s.Enum {
				n, ok := enumInt(e)
				if !ok {
					return nil
				}
				out.enum = append(out.enum, n)
			}
		}
		return out
	}
	return nil
}

// exactInt returns f as an int64 when it is a small integer, which float64
// comparisons with the fast path's integers then treat exactly.
func exactInt(f float64) (int64, bool) {
	const limit = 1 << 53
	if f != float64(int64(f)) || f > limit || f < -limit {
		return 0, false
	}
	return int64(f), true
}

// enumInt reads one enum value as the spec loader leaves it.
func enumInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return exactInt(n)
	case int:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// fastRequest is what the fast path learned of a request that it proved
// to conform.
type fastRequest struct {
	op        *fastOp
	clusterID string
}

// fastCheckRequest proves that the request of ex conforms, as the full
// pass would find it, or returns false.
func (v *Validator) fastCheckRequest(ex Exchange) (fastRequest, bool) {
	req := ex.Request
	if v.fullOnly || req == nil || req.URL == nil || len(ex.RequestBody) != 0 ||
		req.URL.RawQuery != "" || checkAuthorization(req.Header) != nil {
		return fastRequest{}, false
	}
	u := basepath.Strip(req, basepath.From(req.Context())).URL
	path := u.EscapedPath()
	// Without a percent sign, the escaped path is the path, and each
	// parameter is its segment as it stands.
	if u.Opaque != "" || strings.IndexByte(path, '%') >= 0 || !strings.HasPrefix(path, "/") {
		return fastRequest{}, false
	}
	var found fastRequest
	for _, op := range v.fast {
		if op.method != req.Method {
			continue
		}
		id, ok := op.match(path[1:])
		if !ok {
			continue
		}
		if found.op != nil {
			return fastRequest{}, false // Ambiguous: the router decides.
		}
		found = fastRequest{op: op, clusterID: id}
	}
	return found, found.op != nil
}

// match says whether path, without its leading slash, has the shape of
// the operation's template and its parameters conform; it returns the
// clusterId parameter.
func (op *fastOp) match(path string) (string, bool) {
	var clusterID string
	for i, lit := range op.segments {
		seg, rest, more := strings.Cut(path, "/")
		if more == (i == len(op.segments)-1) {
			return "", false
		}
		path = rest
		switch {
		case lit != "":
			if seg != lit {
				return "", false
			}
		case seg == "" || !op.params[i].pathConforms(seg):
			return "", false
		case i == op.clusterIDAt:
			clusterID = seg
		}
	}
	return clusterID, true
}

// fastCheckResponse proves that res, the answer to a request that
// fastCheckRequest passed, conforms as the full pass would find it, and
// returns what it says of the cluster (see validate) and what the
// exchange exercised, or returns false.
func (v *Validator) fastCheckResponse(fr fastRequest, res *Response) (*reading, Exercised, bool) {
	if res.StatusCode < 100 || res.StatusCode >= len(fr.op.responses) {
		return nil, Exercised{}, false
	}
	declared := fr.op.responses[res.StatusCode]
	if declared == nil {
		return nil, Exercised{}, false
	}
	cts := res.Header.Values("Content-Type")
	if len(cts) > 1 {
		return nil, Exercised{}, false
	}
	ct := ""
	if len(cts) == 1 {
		ct = cts[0]
	}
	exercised := fr.op.exercised()
	exercised.Status = declared.status
	var schema *fastSchema
	if len(declared.media) > 0 {
		s, ok := declared.media[ct]
		if !ok {
			return nil, Exercised{}, false
		}
		schema = s
		exercised.MediaType = ct
	}
	if !strings.Contains(ct, "json") {
		if schema != nil {
			return nil, Exercised{}, false
		}
		return nil, exercised, true
	}
	sc := scanners.Get().(*scanner)
	defer scanners.Put(sc)
	if !sc.scan(res.Body) {
		return nil, Exercised{}, false
	}
	root := int32(0)
	if !sc.noCaseVariants(root, envelopeKeys) {
		return nil, Exercised{}, false
	}
	data, hasData := sc.member(root, "data")
	if hasData && sc.nodes[data].kind == jsonObject && !sc.noCaseVariants(data, dataKeys[fr.op.id]) {
		return nil, Exercised{}, false
	}
	if schema != nil && (sc.conforms(root, schema) != fastMatch || v.strict && !sc.allDeclared(root, schema)) {
		return nil, Exercised{}, false
	}
	// checkEnvelope, for an answer that it passes.
	code, ok := sc.member(root, "code")
	if !ok || sc.nodes[code].kind != jsonInt {
		return nil, Exercised{}, false
	}
	exercised.Code = sc.nodes[code].value
	exercised.Branch = branchOf(exercised.Code)
	if res.StatusCode != http.StatusOK {
		return nil, exercised, true
	}
	said := &reading{operation: fr.op.id, clusterID: fr.clusterID, code: exercised.Code}
	if said.code != 0 {
		return said, exercised, true
	}
	if !hasData || sc.nodes[data].kind != jsonObject {
		return nil, Exercised{}, false
	}
	got, ok := sc.member(data, "clusterId")
	if !ok || sc.nodes[got].kind != jsonString || sc.nodes[got].escaped || sc.plainString(got) != fr.clusterID {
		return nil, Exercised{}, false
	}
	if fr.op.id == opDescribeCluster {
		status, ok := sc.member(data, "status")
		if !ok || sc.nodes[status].kind != jsonString || sc.nodes[status].escaped {
			return nil, Exercised{}, false
		}
		said.status = sc.plainString(status)
	}
	return said, exercised, true
}

// fastResult is what the fast path knows of a value against a schema.
type fastResult uint8

const (
	fastUnknown fastResult = iota
	fastMatch
	fastNoMatch
)

// conforms judges the value at node i against s, as kin-openapi's
// VisitJSON does, or says that it cannot.
func (sc *scanner) conforms(i int32, s *fastSchema) fastResult {
	own := sc.conformsOwn(i, s)
	if s.not == nil || own == fastUnknown {
		return own
	}
	switch sc.conforms(i, s.not) {
	case fastUnknown:
		return fastUnknown
	case fastMatch:
		return fastNoMatch
	}
	return own
}

// conformsOwn is conforms, for what s says besides not.
func (sc *scanner) conformsOwn(i int32, s *fastSchema) fastResult {
	n := &sc.nodes[i]
	switch s.kind {
	case fastIntEnum:
		// Only integers are judged: how kin-openapi compares other values
		// with an enum of integers is left to the full pass.
		if n.kind != jsonInt {
			return fastUnknown
		}
		if slices.Contains(s.enum, n.value) {
			return fastMatch
		}
		return fastNoMatch
	case fastOneOf:
		matches := 0
		for _, b := range s.oneOf {
			switch sc.conforms(i, b) {
			case fastUnknown:
				return fastUnknown
			case fastMatch:
				matches++
			}
		}
		if matches == 1 {
			return fastMatch
		}
		return fastNoMatch
	case fastObject:
		if n.kind != jsonObject {
			return sc.otherType(n)
		}
		for _, name := range s.required {
			if _, ok := sc.member(i, name); !ok {
				return fastNoMatch
			}
		}
		result := fastMatch
		for _, p := range s.properties {
			m, ok := sc.member(i, p.name)
			if !ok {
				continue
			}
			switch sc.conforms(m, p.schema) {
			case fastUnknown:
				return fastUnknown
			case fastNoMatch:
				result = fastNoMatch
			}
		}
		return result
	case fastString:
		if n.kind != jsonString {
			return sc.otherType(n)
		}
		if !s.constrainedString {
			return fastMatch
		}
		if n.escaped {
			return fastUnknown
		}
		if raw := sc.raw(i); s.lengthConforms(len(raw)) && (s.pattern == nil || s.pattern.Match(raw)) {
			return fastMatch
		}
		return fastNoMatch
	case fastInteger:
		if n.kind != jsonInt {
			if n.kind == jsonNumber {
				return fastUnknown
			}
			return sc.otherType(n)
		}
		if s.int32Only && (n.value < -1<<31 || n.value > 1<<31-1) {
			return fastUnknown
		}
		if (s.enum != nil && !slices.Contains(s.enum, n.value)) ||
			(s.hasMin && n.value < s.minimum) || (s.hasMax && n.value > s.maximum) {
			return fastNoMatch
		}
		return fastMatch
	}
	return fastUnknown
}

// otherType judges a value whose JSON type the schema does not allow:
// every such value fails, but a number that the fast path did not read
// is left to the full pass.
func (sc *scanner) otherType(n *jsonNode) fastResult {
	if n.kind == jsonNumber {
		return fastUnknown
	}
	return fastNoMatch
}

// pathConforms says whether v, a path segment, conforms to the string
// schema. Only ASCII letters, digits and '-', '_', '.', '~' are judged, as
// their text is their bytes; a segment with anything else is left to the
// full pass.
func (s *fastSchema) pathConforms(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return s.lengthConforms(len(v)) && (s.pattern == nil || s.pattern.MatchString(v))
}

// lengthConforms says whether an ASCII string of n bytes, so of n
// characters, has a length that the schema allows.
func (s *fastSchema) lengthConforms(n int) bool {
	return n >= s.minLength && (s.maxLength < 0 || n <= s.maxLength)
}

var scanners = sync.Pool{New: func() any { return &scanner{nodes: make([]jsonNode, 0, 32)} }}
