package speclint

import "strings"

// operations checks that every operation says what it is (zc001-zc003),
// and declares each status it answers with rather than a default (zc011).
func (l *linter) operations(s *sites) {
	for _, o := range s.operations {
		op := o.value
		if strings.TrimSpace(op.OperationID) == "" {
			l.add(RuleOperationID, o.ptr, "operation %s has no operationId; the generated client names its method after it", o.label)
		}
		if strings.TrimSpace(op.Summary) == "" {
			l.add(RuleSummary, o.ptr, "operation %s has no summary", o.label)
		}
		if strings.TrimSpace(op.Description) == "" {
			l.add(RuleDescription, o.ptr, "operation %s has no description", o.label)
		}
		if op.Responses != nil && op.Responses.Default() != nil {
			l.add(RuleNoDefault, pointer(o.ptr, "responses", "default"), "operation %s has a default response, which hides the statuses it does not declare; declare each status or range (4XX, 5XX) instead", o.label)
		}
	}
}
