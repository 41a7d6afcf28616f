package conformance

import "testing"

// TestGateWarnings: the Verdict always carries the warnings; they fail the
// gate under Strict only.
func TestGateWarnings(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string
	}{
		{name: "shipped corpus", path: "testdata/cassettes"},
		{name: "a 401", path: "testdata/cassettes/unauthorized-21119.yaml", want: WarningOnly401},
		{name: "business errors", path: "testdata/cassettes/business-errors.yaml", want: WarningNoSuccess},
	}
	for _, tt := range tests {
		for _, strict := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				verdict := gateCoverage(t, GateOptions{Strict: strict}, tt.path)
				var codes []string
				for _, w := range verdict.Warnings {
					codes = append(codes, w.Code)
				}
				if tt.want == "" && len(codes) != 0 || tt.want != "" && (len(codes) != 1 || codes[0] != tt.want) {
					t.Errorf("strict %v: warnings %v, want %q", strict, codes, tt.want)
				}
				if wantFailed := strict && tt.want != ""; verdict.Failed != wantFailed || verdict.Summary.Failed != 0 {
					t.Errorf("strict %v: verdict %+v, want failed %v with every interaction passing", strict, verdict, wantFailed)
				}
			})
		}
	}
}
