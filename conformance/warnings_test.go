package conformance

import (
	"testing"
)

// TestWarnings: an empty corpus, one of nothing but 401s and one without
// a success each get their one warning, and a corpus with a success none.
func TestWarnings(t *testing.T) {
	const op = "dropCluster"
	success := Result{StatusCode: 200, Exercised: Exercised{Operation: op, Branch: BranchSuccess}}
	businessError := Result{StatusCode: 200, Exercised: Exercised{Operation: op, Branch: BranchError, Code: 96018}}
	unauthorized := Result{StatusCode: 401, Exercised: Exercised{Operation: op, Branch: BranchError, Code: 21119}}
	successOn401 := Result{StatusCode: 401, Exercised: Exercised{Operation: op, Branch: BranchSuccess}}
	undeclared := Result{StatusCode: 200} // No operation matched its path.
	failedSuccess := success
	failedSuccess.OK = false
	tests := []struct {
		name    string
		results []Result
		want    string // the warning's code, "" for none
		message string
	}{
		{name: "empty", want: WarningEmpty, message: "the corpus holds no interactions, so nothing was checked"},
		{name: "only undeclared traffic", results: []Result{undeclared, undeclared}, want: WarningEmpty,
			message: "none of the 2 interactions is an exchange of an operation that the spec declares, so nothing was checked"},
		{name: "one undeclared", results: []Result{undeclared}, want: WarningEmpty,
			message: "the one interaction is not an exchange of an operation that the spec declares, so nothing was checked"},
		{name: "one 401", results: []Result{unauthorized}, want: WarningOnly401,
			message: "the one interaction was answered HTTP 401, so nothing was checked but the answer to an unauthorized request; was the traffic recorded with a valid API key?"},
		{name: "only 401s", results: []Result{unauthorized, unauthorized, successOn401}, want: WarningOnly401,
			message: "all 3 interactions were answered HTTP 401, so nothing was checked but the answer to an unauthorized request; was the traffic recorded with a valid API key?"},
		{name: "no success", results: []Result{unauthorized, businessError, {StatusCode: 502}}, want: WarningNoSuccess,
			message: "none of the 3 interactions is a successful exchange (HTTP 200 with code 0) of any operation, so no success body was checked"},
		{name: "one business error", results: []Result{businessError}, want: WarningNoSuccess,
			message: "the one interaction is not a successful exchange (HTTP 200 with code 0) of any operation, so no success body was checked"},
		{name: "a success", results: []Result{unauthorized, businessError, success}},
		{name: "a success among undeclared traffic", results: []Result{undeclared, success, undeclared}},
		{name: "a success that breaks the spec fails the gate anyway", results: []Result{failedSuccess}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w warningCounter
			for _, r := range tt.results {
				w.observe(r)
			}
			got := w.warnings()
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("warnings %+v, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0].Code != tt.want || got[0].Message != tt.message):
				t.Errorf("warnings %+v, want one %q: %q", got, tt.want, tt.message)
			}
		})
	}
}
