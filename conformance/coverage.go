package conformance

// Coverage is what a corpus exercised of the spec: each item that the spec
// declares, and how many interactions exercised it.
type Coverage struct {
	// Items are the spec's items, in the spec's order.
	Items []CoverageItem `json:"items"`
	// Exercised counts the Items exercised at least once.
	Exercised int `json:"exercised"`
	// Percent is Exercised as a percentage of len(Items).
	Percent float64 `json:"percent"`
}

// CoverageItem is one thing the spec declares that a corpus may exercise.
type CoverageItem struct {
	// Kind is what the item is: "operation", "status", "content-type",
	// "error-code" or "body".
	Kind string `json:"kind"`
	// Operation is the operationId the item belongs to.
	Operation string `json:"operation"`
	// Name names the item within its kind and operation: "DELETE
	// /v2/clusters/{clusterId}/drop", "200", "4XX", "application/json",
	// "96018", "success".
	Name string `json:"name"`
	// Count is how many interactions exercised it.
	Count int `json:"count"`
}

// Warning is why a corpus that passed proves little.
type Warning struct {
	// Code names the warning for programs: "empty", "no-success",
	// "only-401".
	Code string `json:"code"`
	// Message says it for people.
	Message string `json:"message"`
}
