package mock

import (
	"regexp"
	"strings"
	"time"
)

// clusterIDPattern and clusterIDMaxLength are the pattern and maxLength of
// the clusterId parameter in openapi.yaml. Seeded IDs must respect both, or
// no conforming request could ever reach them. The pattern's shortest match,
// "in-x", already meets the parameter's minLength of 4.
var clusterIDPattern = regexp.MustCompile(`^in([0-9]{2})?-[a-z0-9]+$`)

const clusterIDMaxLength = 64

// Plan is a cluster's plan, which the mock infers from the cluster ID's
// prefix as the public recordings show it.
type Plan string

// The plans that the mock tells apart.
const (
	// PlanDedicated is an "in01-" cluster, an on-demand "in-" cluster, or any
	// other prefix: a dropped one can be restored for 30 days.
	PlanDedicated Plan = "Dedicated"
	// PlanServerless is an "in05-" cluster.
	PlanServerless Plan = "Serverless"
	// PlanFree is an "in03-" cluster; a dropped one cannot be restored.
	PlanFree Plan = "Free"
)

func planOf(id string) Plan {
	switch {
	case strings.HasPrefix(id, "in03-"):
		return PlanFree
	case strings.HasPrefix(id, "in05-"):
		return PlanServerless
	default:
		return PlanDedicated
	}
}

// Status is a cluster's status as Server.Cluster reports it. Describe
// Cluster reports every status but StatusPurged.
type Status string

// The statuses that a cluster goes through in the mock, in order.
const (
	// StatusRunning is a cluster that has not been dropped.
	StatusRunning Status = "RUNNING"
	// StatusDeleting is a dropped cluster during the delete delay.
	StatusDeleting Status = "DELETING"
	// StatusDeleted is a dropped cluster once the delete delay has passed,
	// for the purge delay.
	StatusDeleted Status = "DELETED"
	// StatusPurged is the mock's own status, which the API never reports:
	// a dropped cluster once the purge delay has passed too. Describe and
	// drop answer it with 96018 (cluster not found), as for a cluster that
	// was never seeded; Server.Cluster tells the two apart.
	StatusPurged Status = "PURGED"
)

// Cluster is a snapshot of one seeded cluster.
type Cluster struct {
	// ID is the cluster ID it was seeded with.
	ID string
	// Plan is inferred from the ID's prefix.
	Plan Plan
	// Status is the status at the time of the snapshot.
	Status Status
}

// cluster is a seeded cluster. Its status is derived from the clock when
// asked, so that no timer has to run and a test that moves its clock sees
// every step at once.
type cluster struct {
	plan      Plan
	dropped   bool
	droppedAt time.Time
}

// lifecycle is how long a dropped cluster stays in each status after the
// drop.
type lifecycle struct {
	deleteDelay time.Duration // DELETING
	purgeDelay  time.Duration // then DELETED
}

func (c *cluster) status(now time.Time, l lifecycle) Status {
	if !c.dropped {
		return StatusRunning
	}
	// Added one after the other, because time.Time.Add saturates where the
	// sum of two long delays would overflow.
	deletedAt := c.droppedAt.Add(l.deleteDelay)
	purgedAt := deletedAt.Add(l.purgeDelay)
	switch {
	case now.Before(deletedAt):
		return StatusDeleting
	case now.Before(purgedAt):
		return StatusDeleted
	default:
		return StatusPurged
	}
}

// apiKey is a seeded API key. An empty scope lets it touch every cluster.
// Its rate limit is counted per operation, as the vendor documents the limit
// per endpoint: polling Describe Cluster does not spend the drop's budget.
type apiKey struct {
	scope   map[string]bool
	buckets map[string]*tokenBucket // by operation ID, made on first use
}

func (k *apiKey) mayTouch(id string) bool {
	return len(k.scope) == 0 || k.scope[id]
}
