package speclint

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// errorCodesPath is where the spec lists the business codes it knows: an
// extension of the envelope's code, since the code itself stays an open
// integer.
var errorCodesPath = []string{"components", "schemas", "ErrorEnvelope", "properties", "code", "x-zilliz-error-codes"}

// errorCodes checks x-zilliz-error-codes, read from the YAML itself so
// that each entry is located: every entry has an integer code, a meaning
// and a source (zc008), no code repeats (zc009), and every code has a
// sentinel in the client (zc012) when hasSentinel is given.
func (l *linter) errorCodes(root *yaml.Node, hasSentinel func(code int) bool) {
	listPtr := pointer("", errorCodesPath...)
	list := root
	for _, key := range errorCodesPath {
		list = mappingValue(list, key)
	}
	switch {
	case list == nil:
		l.add(RuleErrorCodeFields, listPtr, "ErrorEnvelope's code has no x-zilliz-error-codes: list the known codes, each with its meaning and source")
		return
	case list.Kind != yaml.SequenceNode:
		l.add(RuleErrorCodeFields, listPtr, "x-zilliz-error-codes must be a list of {code, meaning, source}")
		return
	}
	firstLine := map[int]int{}
	for i, entry := range list.Content {
		ptr := pointer(listPtr, strconv.Itoa(i))
		if entry.Kind != yaml.MappingNode {
			l.add(RuleErrorCodeFields, ptr, "entry %d of x-zilliz-error-codes is not a mapping {code, meaning, source}", i+1)
			continue
		}
		what := "entry " + strconv.Itoa(i+1)
		code, ok := intValue(mappingValue(entry, "code"))
		if ok {
			what = "code " + strconv.Itoa(code)
		} else {
			l.add(RuleErrorCodeFields, pointer(ptr, "code"), "%s of x-zilliz-error-codes has no integer code", what)
		}
		meaning := textValue(mappingValue(entry, "meaning"))
		for _, f := range []struct{ name, value string }{
			{"meaning", meaning},
			{"source", textValue(mappingValue(entry, "source"))},
		} {
			if f.value == "" {
				l.add(RuleErrorCodeFields, pointer(ptr, f.name), "%s of x-zilliz-error-codes has no %s", what, f.name)
			}
		}
		if !ok {
			continue
		}
		if line, repeated := firstLine[code]; repeated {
			l.add(RuleErrorCodeUnique, pointer(ptr, "code"), "code %d repeats: x-zilliz-error-codes lists it at line %d already", code, line)
			continue
		}
		firstLine[code] = entry.Line
		if hasSentinel != nil && !hasSentinel(code) {
			l.add(RuleErrorCodeHandled, pointer(ptr, "code"), "code %d (%q) has no sentinel in package zcdrop (errors.go, codeSentinels)", code, meaning)
		}
	}
}

// intValue returns the integer that n holds, if it is one.
func intValue(n *yaml.Node) (int, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	return v, err == nil
}

// textValue returns the text that n holds, trimmed, or "" when it holds
// none.
func textValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return strings.TrimSpace(n.Value)
}
