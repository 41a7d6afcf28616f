package conformance

import (
	"fmt"
	"strings"
)

// What the lifecycle rules read: single exchanges can each conform while
// their sequence is impossible. The rules, and what they assume, are stated
// in the package documentation ("Lifecycle rules"); this file applies them
// to one cassette at a time.

// The codes and statuses that the lifecycle rules read.
const (
	codeClusterNotFound = 96018
	statusRunning       = "RUNNING"
	statusDeleting      = "DELETING"
)

// reading is what one answer with HTTP 200 and a JSON envelope says of the
// cluster that its request names.
type reading struct {
	// operation is the request's operationId.
	operation string
	// clusterID is the clusterId path parameter, as the server reads it.
	clusterID string
	// code is the envelope's code: 0 for a success, else a business error.
	code int64
	// status is data.status of a describe's success, and empty otherwise.
	status string
}

// event is a counted interaction: its id in the cassette, and what it said.
type event struct {
	id int
	reading
}

// clusterLife is what the interactions of one cassette so far have shown
// of one cluster. It keeps ids and flags, never what an answer said, so
// that a cassette of many clusters costs a few words for each, and holds
// no piece of the text it was read from.
type clusterLife struct {
	// dropped is the id of a drop that succeeded, or answered 96018 when
	// droppedAbsent, since which no describe has reported a status from
	// which a restore may have brought the cluster back; valid when
	// hasDropped.
	dropped       int
	hasDropped    bool
	droppedAbsent bool
	// lastDescribe is the id of the last describe that succeeded, valid
	// when hasDescribe; lastDeleting says it reported DELETING.
	lastDescribe int
	hasDescribe  bool
	lastDeleting bool
	// notFound is the id of the first describe answered 96018, valid
	// when hasNotFound.
	notFound    int
	hasNotFound bool
}

// lifecycle follows the clusters of one cassette through its
// interactions, in the order recorded. A cassette's rules start afresh
// with each file.
type lifecycle struct {
	clusters map[string]*clusterLife
}

func newLifecycle() *lifecycle {
	return &lifecycle{clusters: map[string]*clusterLife{}}
}

// observe judges the interaction whose verdict is r and which said what
// said says (nil for nothing), appending to r each lifecycle violation,
// and then learns from it. An interaction that breaks any other rule is
// neither judged nor learned from: what it says is not known to be what a
// client would read, and one fault is reported once. An interaction that
// breaks a lifecycle rule is not learned from either, so that every later
// one is judged against the sequence that could happen, and each one that
// repeats the impossible is reported too.
func (l *lifecycle) observe(r *Result, said *reading) {
	if !r.OK || said == nil || said.clusterID == "" {
		return
	}
	if said.operation != opDropCluster && said.operation != opDescribeCluster {
		return
	}
	c := l.clusters[said.clusterID]
	if c == nil {
		c = &clusterLife{}
		// The ID may be a piece of a chunk of the cassette's text, which
		// the map would otherwise keep whole.
		l.clusters[strings.Clone(said.clusterID)] = c
	}
	e := &event{id: r.ID, reading: *said}
	if vs := c.judge(e); len(vs) > 0 {
		r.Violations = append(r.Violations, vs...)
		r.OK = false
		return
	}
	c.learn(e)
}

// judge returns the lifecycle rules that e breaks, given what the cluster
// has shown so far. Only successes can break them: a 96018 can follow any
// answer, since a cluster may be dropped and purged by someone else.
func (c *clusterLife) judge(e *event) []Violation {
	if e.code != 0 {
		return nil
	}
	var out []Violation
	if c.hasNotFound {
		out = append(out, Violation{Kind: KindSemantic, Pointer: "/code", Message: fmt.Sprintf(
			"a success for a cluster that interaction #%d, a describe, found not to exist (%d); once not found, a cluster is never found again by the same key",
			c.notFound, codeClusterNotFound)})
	}
	switch e.operation {
	case opDropCluster:
		switch {
		case !c.hasDropped:
		case !c.droppedAbsent:
			out = append(out, Violation{Kind: KindSemantic, Pointer: "/code", Message: fmt.Sprintf(
				"a second successful drop of the cluster that interaction #%d dropped, and no describe since has reported DELETED, from which alone a restore brings a cluster back",
				c.dropped)})
		default:
			out = append(out, Violation{Kind: KindSemantic, Pointer: "/code", Message: fmt.Sprintf(
				"a successful drop of a cluster that interaction #%d, a drop, found not to exist or already dropped (%d), and no describe since has reported DELETED, from which alone a restore brings a cluster back",
				c.dropped, codeClusterNotFound)})
		}
	case opDescribeCluster:
		if e.status == statusRunning && c.hasDescribe && c.lastDeleting {
			out = append(out, Violation{Kind: KindSemantic, Pointer: "/data/status", Message: fmt.Sprintf(
				"reports RUNNING, but interaction #%d, the last describe of this cluster before it, reported DELETING; describe may lag, but never goes back from DELETING, and a restore starts only from DELETED",
				c.lastDescribe)})
		}
	}
	return out
}

// learn records what e, which broke no rule, shows of the cluster.
func (c *clusterLife) learn(e *event) {
	switch {
	case e.operation == opDropCluster && (e.code == 0 || e.code == codeClusterNotFound):
		// The first drop that showed it dropped, or absent, is the one
		// that later messages name.
		if !c.hasDropped {
			c.dropped, c.hasDropped, c.droppedAbsent = e.id, true, e.code != 0
		}
	case e.operation == opDescribeCluster && e.code == codeClusterNotFound:
		if !c.hasNotFound {
			c.notFound, c.hasNotFound = e.id, true
		}
	case e.operation == opDescribeCluster && e.code == 0:
		c.lastDescribe, c.hasDescribe, c.lastDeleting = e.id, true, e.status == statusDeleting
		if e.status != statusRunning && e.status != statusDeleting {
			// DELETED, from which a restore starts, or a status whose
			// place in a restore nobody has documented (RESTORING and
			// any status yet unknown): a later successful drop may
			// follow a restore.
			c.hasDropped = false
		}
	}
}
