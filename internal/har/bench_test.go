package har

import (
	"bytes"
	"testing"

	"github.com/zcdrop/zcdrop/internal/vcr"
)

// BenchmarkEach reads a HAR file of 1,000 conforming drops, as the Writer
// writes them, and reports entries per second.
func BenchmarkEach(b *testing.B) {
	ins := make([]*vcr.Interaction, 1000)
	for i := range ins {
		ins[i] = base()
	}
	data := writeHAR(b, ins)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := Each(bytes.NewReader(data), DefaultLimits(), func(int, *vcr.Interaction) error { n++; return nil }); err != nil || n != len(ins) {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(float64(b.N*len(ins))/b.Elapsed().Seconds(), "entries/s")
}
