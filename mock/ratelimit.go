package mock

import "time"

// tokenBucket allows perSecond requests each second, in bursts of up to
// perSecond, measured on the Server's clock so that tests control time. It
// is the mock's own, and the server's side of the limit: it shares nothing
// with the limiter that a client brings.
type tokenBucket struct {
	used   bool // false until the first take, when the bucket starts full
	tokens float64
	last   time.Time
}

// take spends one token if there is one, refilling first for the time that
// has passed since the last call.
func (b *tokenBucket) take(now time.Time, perSecond int) bool {
	capacity := float64(perSecond)
	if !b.used {
		b.used, b.tokens = true, capacity
	} else if elapsed := now.Sub(b.last); elapsed > 0 {
		// A clock that steps backwards refills nothing rather than draining.
		b.tokens = min(capacity, b.tokens+elapsed.Seconds()*capacity)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
