package mock

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode"
)

// DefaultRateLimit is the documented limit of the control plane: 20
// requests per second per user per endpoint.
const DefaultRateLimit = 20

// DefaultDeleteDelay is how long a dropped cluster stays DELETING before it
// is DELETED, unless WithDeleteDelay says otherwise. The vendor documents no
// duration; this one is short enough for a local demo.
const DefaultDeleteDelay = 10 * time.Second

// DefaultPurgeDelay is how long a cluster stays DELETED before the mock
// purges it, unless WithPurgeDelay says otherwise. The real API keeps a
// dropped dedicated cluster in its recycle bin for 30 days, but does not
// document how long Describe Cluster still reports it; this delay is long
// enough to watch DELETED in a local demo, and short enough to reach the
// purge.
const DefaultPurgeDelay = time.Minute

// Option configures a Server. Each option checks its own input, and New
// returns the first error.
type Option func(*Server) error

// WithClusters seeds clusters, all RUNNING; their plan is inferred from the
// ID's prefix. It refuses an ID that no conforming request could reach: one
// longer than 64 bytes, or not matching the clusterId pattern of
// openapi.yaml, ^in([0-9]{2})?-[a-z0-9]+$.
func WithClusters(ids ...string) Option {
	return func(s *Server) error {
		for _, id := range ids {
			if err := checkClusterID(id); err != nil {
				return fmt.Errorf("mock: WithClusters: %w", err)
			}
			if _, dup := s.clusters[id]; dup {
				return fmt.Errorf("mock: WithClusters: cluster %q is seeded twice", id)
			}
			s.clusters[id] = &cluster{plan: planOf(id)}
		}
		return nil
	}
}

// WithAPIKey seeds an API key that may touch the given clusters, or every
// cluster when none is given. The key is a mock's key, compared as it is; it
// is never a real Zilliz Cloud key. It refuses an empty key, a key with
// whitespace or a control character, which a real key (an alphanumeric
// string) never holds and an Authorization header may trim or refuse, and a
// scope ID that WithClusters would refuse. Its errors never quote the key.
func WithAPIKey(key string, clusters ...string) Option {
	return func(s *Server) error {
		if err := checkAPIKey(key); err != nil {
			return fmt.Errorf("mock: WithAPIKey: %w", err)
		}
		if _, dup := s.keys[key]; dup {
			return errors.New("mock: WithAPIKey: key is seeded twice")
		}
		k := &apiKey{scope: make(map[string]bool, len(clusters)), buckets: map[string]*tokenBucket{}}
		for _, id := range clusters {
			if err := checkClusterID(id); err != nil {
				return fmt.Errorf("mock: WithAPIKey: scope: %w", err)
			}
			k.scope[id] = true
		}
		s.keys[key] = k
		return nil
	}
}

// checkClusterID refuses an ID that no conforming request could carry, so
// that seeding one is an error rather than a cluster that can never be
// dropped.
func checkClusterID(id string) error {
	if len(id) > clusterIDMaxLength {
		return fmt.Errorf("cluster ID %q... is %d bytes, longer than the %d that openapi.yaml allows",
			id[:16], len(id), clusterIDMaxLength)
	}
	if !clusterIDPattern.MatchString(id) {
		return fmt.Errorf("cluster ID %q does not match %s, the pattern of openapi.yaml", id, clusterIDPattern)
	}
	return nil
}

// checkAPIKey refuses a key that is empty or holds whitespace or a control
// character. Its errors say where the fault is, never what the key holds.
func checkAPIKey(key string) error {
	if key == "" {
		return errors.New("key is empty")
	}
	for i, r := range key {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("key has whitespace or a control character at byte %d", i)
		}
	}
	return nil
}

// WithClock makes the Server read the time from now, for the delete and
// purge delays and the rate limit, so that tests can move time without
// sleeping: a cluster's status is derived from the clock whenever it is
// asked for, and no timer runs.
func WithClock(now func() time.Time) Option {
	return func(s *Server) error {
		if now == nil {
			return errors.New("mock: clock must not be nil")
		}
		s.now = now
		return nil
	}
}

// WithDeleteDelay sets how long a dropped cluster stays DELETING before it is
// DELETED. Zero makes it DELETED at once. The default is DefaultDeleteDelay.
func WithDeleteDelay(d time.Duration) Option {
	return func(s *Server) error {
		if d < 0 {
			return fmt.Errorf("mock: delete delay %v is negative", d)
		}
		s.lifecycle.deleteDelay = d
		return nil
	}
}

// WithPurgeDelay sets how long a dropped cluster stays DELETED, once the
// delete delay has passed, before it is purged: from then on Describe
// Cluster and Drop Cluster answer 96018 (cluster not found), and
// Server.Cluster reports StatusPurged. Zero purges it as soon as it would be
// DELETED, so that describe goes from DELETING to 96018. The default is
// DefaultPurgeDelay.
func WithPurgeDelay(d time.Duration) Option {
	return func(s *Server) error {
		if d < 0 {
			return fmt.Errorf("mock: purge delay %v is negative", d)
		}
		s.lifecycle.purgeDelay = d
		return nil
	}
}

// WithRateLimit sets how many requests per second each API key may make to
// each operation, Drop Cluster and Describe Cluster apart, as the vendor
// documents the limit per endpoint; 0 turns the limit off. The default is
// DefaultRateLimit.
func WithRateLimit(perSecond int) Option {
	return func(s *Server) error {
		if perSecond < 0 {
			return fmt.Errorf("mock: rate limit %d is negative", perSecond)
		}
		s.rateLimit = perSecond
		return nil
	}
}

// WithLatency delays every answer by d. A request whose context ends during
// the wait is answered 503 at once, and nothing is dropped.
func WithLatency(d time.Duration) Option {
	return func(s *Server) error {
		if d < 0 {
			return fmt.Errorf("mock: latency %v is negative", d)
		}
		s.latency = d
		return nil
	}
}

// WithFault queues a fault, as (*Server).InjectFault does.
func WithFault(f Fault) Option {
	return func(s *Server) error {
		return s.InjectFault(f)
	}
}

// WithLogger makes the Server log one line per request to l, at Info level,
// with the attributes method, path, status, code and latency. code is the
// error envelope's code, 0 for a success, and absent when the answer is not a
// JSON envelope (a gateway's HTML page, a truncated body). No line holds the
// Authorization header, a query string or a seeded key.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) error {
		if l == nil {
			return errors.New("mock: logger must not be nil")
		}
		s.logger = l
		return nil
	}
}
