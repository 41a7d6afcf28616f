package speclint

// Rule is one check of Lint, with the stable ID that every problem it finds
// carries.
type Rule struct {
	// ID is the rule's stable name, "zc000" to "zc012". It never changes
	// meaning, so that scripts and the README can refer to it.
	ID string
	// Summary says in one line what the rule requires.
	Summary string
	// Severity is that of every problem the rule finds.
	Severity string
}

// The rules' IDs.
const (
	RuleValid            = "zc000"
	RuleOperationID      = "zc001"
	RuleSummary          = "zc002"
	RuleDescription      = "zc003"
	RuleResponseExample  = "zc004"
	RuleExampleMatches   = "zc005"
	RulePatternCompiles  = "zc006"
	RuleErrorEnvelope    = "zc007"
	RuleErrorCodeFields  = "zc008"
	RuleErrorCodeUnique  = "zc009"
	RuleServers          = "zc010"
	RuleNoDefault        = "zc011"
	RuleErrorCodeHandled = "zc012"
)

// Rules returns every rule Lint applies, in the order of their IDs.
func Rules() []Rule {
	return []Rule{
		{RuleValid, "the document is valid OpenAPI 3, as kin-openapi validates it", SeverityError},
		{RuleOperationID, "every operation has an operationId", SeverityError},
		{RuleSummary, "every operation has a summary", SeverityError},
		{RuleDescription, "every operation has a description", SeverityError},
		{RuleResponseExample, "every media type of every response has an example", SeverityError},
		{RuleExampleMatches, "every example matches its schema", SeverityError},
		{RulePatternCompiles, "every pattern compiles in Go's RE2 (no lookaround, no backreferences)", SeverityError},
		{RuleErrorEnvelope, "JSON error responses are ErrorEnvelope; 2XX has it as a oneOf branch", SeverityError},
		{RuleErrorCodeFields, "every x-zilliz-error-codes entry has a code, a meaning and a source", SeverityError},
		{RuleErrorCodeUnique, "no code repeats in x-zilliz-error-codes", SeverityError},
		{RuleServers, "servers lists both documented hosts", SeverityError},
		{RuleNoDefault, "no default response, which would hide undeclared statuses", SeverityError},
		{RuleErrorCodeHandled, "every code in x-zilliz-error-codes has a sentinel in package zcdrop", SeverityWarning},
	}
}

// severity is the severity of rule's problems, as Rules gives it.
func severity(rule string) string {
	for _, r := range Rules() {
		if r.ID == rule {
			return r.Severity
		}
	}
	return SeverityError
}
