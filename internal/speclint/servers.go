package speclint

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// servers checks that the spec lists every server in want (zc010): the
// generated client and the docs offer only what servers lists.
func (l *linter) servers(doc *openapi3.T, want []string) {
	listed := map[string]bool{}
	for _, s := range doc.Servers {
		if s != nil {
			listed[strings.TrimSuffix(s.URL, "/")] = true
		}
	}
	for _, url := range want {
		if !listed[strings.TrimSuffix(url, "/")] {
			l.add(RuleServers, "/servers", "servers does not list %s, a documented host", url)
		}
	}
}
