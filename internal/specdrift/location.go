package specdrift

import (
	"net/http"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// cassetteNodes is a cassette parsed a second time, as YAML nodes, for what
// the decoded cassette does not keep: the line each interaction starts on,
// and recorded_at, which go-vcr v4 does not write but older recorders and
// hand-written cassettes do.
type cassetteNodes struct {
	// items are the interactions' nodes, by index.
	items []*yaml.Node
	// recordedAt is the cassette's own recorded_at, "" when it has none.
	recordedAt string
}

// locate parses data, a cassette that vcr.DecodeStrict has read within the
// budget, as nodes; aliases are not expanded, so this costs no more. A
// cassette that will not parse so locates nothing.
func locate(data []byte) cassetteNodes {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) != 1 {
		return cassetteNodes{}
	}
	top := resolve(root.Content[0])
	out := cassetteNodes{recordedAt: scalarAt(top, "recorded_at")}
	if list := resolve(valueAt(top, "interactions")); list != nil && list.Kind == yaml.SequenceNode {
		out.items = list.Content
	}
	return out
}

// sighting says where the interaction at index i of the cassette file is,
// and what it says of its own provenance.
func (n cassetteNodes) sighting(file string, i int, in *vcr.Interaction) Sighting {
	s := Sighting{File: file, Interaction: in.ID}
	recordedAt := n.recordedAt
	if i < len(n.items) {
		s.Line = n.items[i].Line
		if at := scalarAt(resolve(n.items[i]), "recorded_at"); at != "" {
			recordedAt = at
		}
	}
	h := canonicalHeader(in.Response.Headers)
	s.RequestID = maskID(h.Get("Requestid"))
	s.Date = recordedDay(h.Get("Date"), recordedAt)
	return s
}

// recordedDay returns the day, as YYYY-MM-DD in UTC, of the response's Date
// header or else of recordedAt, or "" when neither can be read as a time.
func recordedDay(date, recordedAt string) string {
	if t, err := http.ParseTime(date); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	// go-vcr v1 wrote time.Time's String form; others write RFC 3339.
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05 -0700", time.DateOnly} {
		if t, err := time.Parse(layout, strings.TrimSpace(recordedAt)); err == nil {
			return t.UTC().Format(time.DateOnly)
		}
	}
	return ""
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode {
		return n.Alias
	}
	return n
}

// valueAt returns the value of key in the mapping m, or nil.
func valueAt(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// scalarAt returns the scalar value of key in the mapping m, or "".
func scalarAt(m *yaml.Node, key string) string {
	if v := resolve(valueAt(m, key)); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}
