package conformance

import (
	"fmt"
	"strconv"
	"strings"
)

// The bounds of what a report groups, so that its memory does not grow
// with the corpus: a corpus of any size yields at most maxFindingGroups
// distinct findings of each sort (failures, notices), each with at most
// maxGroupLocations locations kept. Every occurrence is still counted, and
// the JSON report lists every one with its interaction.
const (
	maxFindingGroups  = 1000
	maxGroupLocations = 5
)

// findingLocation is where one occurrence of a finding is: its file, the
// line of what is wrong (the interaction's line when that is not known)
// and its interaction's id.
type findingLocation struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	ID   int    `json:"id"`
	// seq is the interaction's place in the report, from 0, which the
	// HTML report links to.
	seq int
}

// String renders the location as a compiler does, "file:line", or
// "file" when the line is not known; "#id" for live traffic.
func (l findingLocation) String() string {
	where := l.File
	if where == "" {
		where = "#" + strconv.Itoa(l.ID)
	}
	if l.Line > 0 {
		where += ":" + strconv.Itoa(l.Line)
	}
	return where
}

// findingGroup is one distinct finding (a kind, a pointer and a message)
// and the interactions it was made of.
type findingGroup struct {
	Kind    Kind   `json:"kind"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
	// Count is how many interactions the finding was made of.
	Count int `json:"count"`
	// Locations are the first of them, at most maxGroupLocations.
	Locations []findingLocation `json:"locations"`
}

// violation is the finding as a Violation, for its String.
func (g *findingGroup) violation() Violation {
	return Violation{Kind: g.Kind, Pointer: g.Pointer, Message: g.Message}
}

// others says how many interactions and which other locations share the
// group's first location's finding: "(3 interactions; also at b.yaml:10,
// c.yaml:7)", or "" when it is the only one. loc renders a location.
func (g *findingGroup) others(loc func(findingLocation) string) string {
	if g.Count < 2 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "(%d interactions", g.Count)
	if len(g.Locations) > 1 {
		b.WriteString("; also at ")
		for i, l := range g.Locations[1:] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(loc(l))
		}
		if more := g.Count - len(g.Locations); more > 0 {
			fmt.Fprintf(&b, " and %d more", more)
		}
	}
	b.WriteString(")")
	return b.String()
}

// findingKey tells findings apart.
type findingKey struct {
	kind             Kind
	pointer, message string
}

// findings groups identical findings across interactions, in the order
// they were first made.
type findings struct {
	groups []*findingGroup
	index  map[findingKey]*findingGroup
	// ungrouped counts the occurrences of findings past maxFindingGroups
	// distinct ones, which are counted and not kept.
	ungrouped int
}

// add records the findings vs of the interaction r, the seq'th of the
// report. A finding that r makes twice counts once.
func (f *findings) add(r *Result, seq int, vs []Violation) {
	for i, v := range vs {
		k := findingKey{v.Kind, v.Pointer, v.Message}
		if seenBefore(vs[:i], k) {
			continue
		}
		loc := violationLocation(*r, v)
		loc.seq = seq
		g := f.index[k]
		switch {
		case g != nil:
		case len(f.groups) < maxFindingGroups:
			if f.index == nil {
				f.index = map[findingKey]*findingGroup{}
			}
			g = &findingGroup{Kind: v.Kind, Pointer: v.Pointer, Message: v.Message}
			f.index[k] = g
			f.groups = append(f.groups, g)
		default:
			f.ungrouped++
			continue
		}
		g.Count++
		if len(g.Locations) < maxGroupLocations {
			g.Locations = append(g.Locations, loc)
		}
	}
}

// seenBefore says whether one of vs is the finding k.
func seenBefore(vs []Violation, k findingKey) bool {
	for _, v := range vs {
		if v.Kind == k.kind && v.Pointer == k.pointer && v.Message == k.message {
			return true
		}
	}
	return false
}

// ungroupedLine says how many occurrences were not grouped, or "".
func (f *findings) ungroupedLine(what string) string {
	if f.ungrouped == 0 {
		return ""
	}
	return fmt.Sprintf("and %d more occurrences of %s beyond the first %d distinct ones", f.ungrouped, what, maxFindingGroups)
}

// reportFindings is what every format gathers as Results are observed:
// the failures and the notices, grouped.
type reportFindings struct {
	seq      int
	failures findings
	notices  findings
}

func (rf *reportFindings) observe(r Result) {
	rf.failures.add(&r, rf.seq, r.Violations)
	rf.notices.add(&r, rf.seq, r.Notices)
	rf.seq++
}
