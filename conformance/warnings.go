package conformance

import "fmt"

// Warning is why a corpus that passed proves little.
type Warning struct {
	// Code names the warning for programs: WarningEmpty, WarningOnly401
	// or WarningNoSuccess.
	Code string `json:"code"`
	// Message says it for people.
	Message string `json:"message"`
}

// The codes of Warning. A corpus gets at most one of them: each is a
// special case of the next, and the most precise one is given.
const (
	// WarningEmpty is a corpus with no exchange of an operation that the
	// spec declares: nothing was checked. A HAR file of a browser's or a
	// proxy's traffic may hold none, and under --ignore-undeclared its
	// other entries are only notices.
	WarningEmpty = "empty"
	// WarningOnly401 is a corpus whose every answer is HTTP 401: only the
	// error envelope of an unauthorized request was checked, and a corpus
	// recorded with a wrong or expired key looks just like it.
	WarningOnly401 = "only-401"
	// WarningNoSuccess is a corpus without a successful exchange (HTTP
	// 200 with code 0) of any operation: no success body was checked.
	WarningNoSuccess = "no-success"
)

// warningCounter gathers, one Result at a time, what the warnings of a
// corpus depend on, in a few counters whatever its size.
type warningCounter struct {
	total, declared, unauthorized, successes int
}

// observe counts r. A success counts whether or not it conforms: one that
// does not fails the gate anyway.
func (w *warningCounter) observe(r Result) {
	w.total++
	if r.Exercised.Operation != "" {
		w.declared++
	}
	switch {
	case r.StatusCode == 401:
		w.unauthorized++
	case r.StatusCode == 200 && r.Exercised.Branch == BranchSuccess:
		w.successes++
	}
}

// warnings returns the warnings of the Results observed, nil for none.
func (w *warningCounter) warnings() []Warning {
	switch {
	case w.total == 0:
		return []Warning{{Code: WarningEmpty, Message: "the corpus holds no interactions, so nothing was checked"}}
	case w.declared == 0:
		return []Warning{{Code: WarningEmpty, Message: noneOf(w.total) +
			" an exchange of an operation that the spec declares, so nothing was checked"}}
	case w.unauthorized == w.total:
		subject := fmt.Sprintf("all %d interactions were", w.total)
		if w.total == 1 {
			subject = "the one interaction was"
		}
		return []Warning{{Code: WarningOnly401, Message: subject +
			" answered HTTP 401, so nothing was checked but the answer to an unauthorized request; was the traffic recorded with a valid API key?"}}
	case w.successes == 0:
		return []Warning{{Code: WarningNoSuccess, Message: noneOf(w.total) +
			" a successful exchange (HTTP 200 with code 0) of any operation, so no success body was checked"}}
	}
	return nil
}

// noneOf begins a warning that none of n interactions is something.
func noneOf(n int) string {
	if n == 1 {
		return "the one interaction is not"
	}
	return fmt.Sprintf("none of the %d interactions is", n)
}
