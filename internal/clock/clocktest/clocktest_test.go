package clocktest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zcdrop/zcdrop/internal/clock"
)

var _ clock.Clock = (*Clock)(nil)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestSleep(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		sleeps []time.Duration
		want   error
		now    time.Time
		record []time.Duration
	}{
		{name: "advances and records", ctx: context.Background(), sleeps: []time.Duration{time.Second, time.Minute}, now: start.Add(time.Second + time.Minute), record: []time.Duration{time.Second, time.Minute}},
		{name: "zero and negative are recorded, time stands", ctx: context.Background(), sleeps: []time.Duration{0, -time.Second}, now: start, record: []time.Duration{0, -time.Second}},
		{name: "cancelled context", ctx: cancelled, sleeps: []time.Duration{time.Hour}, want: context.Canceled, now: start},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(start)
			for _, d := range tt.sleeps {
				if err := c.Sleep(tt.ctx, d); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
					t.Errorf("Sleep(%s) = %v, want %v", d, err, tt.want)
				}
			}
			if got := c.Now(); !got.Equal(tt.now) {
				t.Errorf("Now() = %v, want %v", got, tt.now)
			}
			if got := c.Sleeps(); fmt.Sprint(got) != fmt.Sprint(tt.record) {
				t.Errorf("Sleeps() = %v, want %v", got, tt.record)
			}
		})
	}
}

func TestAdvance(t *testing.T) {
	c := New(start)
	c.Advance(time.Hour)
	if got := c.Now(); !got.Equal(start.Add(time.Hour)) {
		t.Errorf("Now() = %v after Advance(1h)", got)
	}
	if got := c.Sleeps(); len(got) != 0 {
		t.Errorf("Advance recorded a sleep: %v", got)
	}
}

func TestSleepsIsACopy(t *testing.T) {
	c := New(start)
	_ = c.Sleep(context.Background(), time.Second)
	c.Sleeps()[0] = time.Hour
	if got := c.Sleeps(); got[0] != time.Second {
		t.Errorf("Sleeps() shares its slice: %v", got)
	}
}

func TestConcurrentSleeps(t *testing.T) {
	c := New(start)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { _ = c.Sleep(context.Background(), time.Second) })
	}
	wg.Wait()
	if got := c.Now(); !got.Equal(start.Add(8 * time.Second)) {
		t.Errorf("Now() = %v after 8 concurrent 1s sleeps", got)
	}
	if got := len(c.Sleeps()); got != 8 {
		t.Errorf("%d sleeps recorded, want 8", got)
	}
}
