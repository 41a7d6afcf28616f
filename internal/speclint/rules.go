package speclint

// Rule is one check of Lint, with the stable ID that every problem it finds
// carries.
type Rule struct {
	// ID is the rule's stable name, "zc000" to "zc012". It never changes
	// meaning, so that scripts and the README can refer to it.
	ID string
	// Summary says in one line what the rule requires.
	Summary string
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
		{RuleValid, "the document is valid OpenAPI 3, as kin-openapi validates it"},
		{RuleOperationID, "every operation has an operationId"},
		{RuleSummary, "every operation has a summary"},
		{RuleDescription, "every operation has a description"},
		{RuleResponseExample, "every media type of every response has an example"},
		{RuleExampleMatches, "every example matches its schema"},
		{RulePatternCompiles, "every pattern compiles in Go's RE2 (no lookaround, no backreferences)"},
		{RuleErrorEnvelope, "JSON error responses are ErrorEnvelope; 2XX has it as a oneOf branch"},
		{RuleErrorCodeFields, "every x-zilliz-error-codes entry has a code, a meaning and a source"},
		{RuleErrorCodeUnique, "no code repeats in x-zilliz-error-codes"},
		{RuleServers, "servers lists both documented hosts"},
		{RuleNoDefault, "no default response, which would hide undeclared statuses"},
		{RuleErrorCodeHandled, "every code in x-zilliz-error-codes has a sentinel in package zcdrop"},
	}
}
