package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRealSleep(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		d       time.Duration
		want    error
		atLeast time.Duration // the shortest it may take
	}{
		{name: "waits, then nil", ctx: live, d: time.Millisecond, atLeast: time.Millisecond},
		{name: "zero returns at once", ctx: live, d: 0},
		{name: "negative returns at once", ctx: live, d: -time.Hour},
		// An hour-long wait on an ended context: a test that hangs here
		// fails on its timeout.
		{name: "ended context", ctx: done, d: time.Hour, want: context.Canceled},
		{name: "ended context, zero wait", ctx: done, d: 0, want: context.Canceled},
		{name: "ended context, negative wait", ctx: done, d: -time.Second, want: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := Real.Sleep(tt.ctx, tt.d)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("Sleep(%s) = %v, want %v", tt.d, err, tt.want)
			}
			if took := time.Since(start); took < tt.atLeast {
				t.Errorf("Sleep(%s) returned after %s", tt.d, took)
			}
		})
	}
}

func TestRealSleepStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- Real.Sleep(ctx, time.Hour) }()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep = %v, want context.Canceled", err)
	}
}

func TestRealNow(t *testing.T) {
	before := time.Now()
	got := Real.Now()
	if got.Before(before) || got.After(time.Now()) {
		t.Errorf("Now() = %v, not between the system clock's readings", got)
	}
}
